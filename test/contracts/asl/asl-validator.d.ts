// asl-validator 4 ships no type declarations: what test/contracts uses of it.
declare module 'asl-validator' {
  interface AslValidationResult {
    readonly isValid: boolean;
    readonly errors: { readonly 'Error code': string; readonly Message: string }[];
    errorsText(separator?: string): string;
  }
  function validateAsl(definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }): AslValidationResult;
  export = validateAsl;
}
