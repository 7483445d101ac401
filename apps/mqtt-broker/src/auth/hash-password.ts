// `node apps/mqtt-broker/dist/auth/hash-password.js <password>` (or the password on stdin) prints the salted scrypt
// hash to store in the MySQL auth storage's `password_hash` column: operators create users with plain SQL, and SQL
// cannot compute scrypt. Same scheme and parameters as the placement center's users.
import { formatPasswordHash, hashPassword } from '@robustmq/common';

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  // a password piped with `echo` ends in a newline that is not part of it
  return text.replace(/\r?\n$/, '');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length > 1 || args[0] === '--help' || args[0] === '-h') {
    console.error('usage: hash-password.js <password>   (or the password on stdin)');
    process.exit(2);
  }
  const password = args[0] ?? (await readStdin());
  if (password === '') {
    console.error('hash-password: the password is empty');
    process.exit(2);
  }
  console.log(formatPasswordHash(await hashPassword(password)));
}

main().catch((err: unknown) => {
  console.error('hash-password:', err);
  process.exit(1);
});
