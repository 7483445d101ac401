// Salted scrypt password hashes: the scheme lives in @robustmq/common so the broker's MySQL auth storage verifies the
// same hashes. The salt and hash are made by the member that proposes the write (never at apply time, which must be
// deterministic).
export { SCRYPT_PARAMS, hashPassword, verifyAgainstNothing, verifyPassword } from '@robustmq/common';
