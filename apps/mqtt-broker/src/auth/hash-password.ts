// `node apps/mqtt-broker/dist/auth/hash-password.js <password>` (or the password on stdin) prints the salted scrypt
// hash to store in the MySQL auth storage's `password_hash` column: operators create users with plain SQL, and SQL
// cannot compute scrypt. Same scheme and parameters as the placement center's users.
import { cliProgram, formatPasswordHash, hashPassword, parseCli, usageError } from '@robustmq/common';

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  // a password piped with `echo` ends in a newline that is not part of it
  return text.replace(/\r?\n$/, '');
}

async function main(): Promise<void> {
  const program = cliProgram(
    'hash-password',
    'prints the salted scrypt hash of a password, for the MySQL auth storage',
  ).argument('[password]', 'the password (default: read from stdin)');
  parseCli(program);
  const password = (program.args[0] as string | undefined) ?? (await readStdin());
  if (password === '') usageError(program, 'the password is empty');
  console.log(formatPasswordHash(await hashPassword(password)));
}

main().catch((err: unknown) => {
  console.error('hash-password:', err);
  process.exit(1);
});
