// The opt-in key log: one `icookie,key` line per phase-1 SA, the format of Wireshark's IKEv1
// decryption table (`ikev1_decryption_table` UAT), so an operator can decrypt a capture.
import { appendFileSync } from 'node:fs';

export function appendKeyLog(file: string, entry: { icookie: string; encKey: string } | undefined): void {
  if (!entry) return;
  try {
    appendFileSync(file, `${entry.icookie},${entry.encKey}\n`, { mode: 0o600 });
  } catch {
    // A key log that cannot be written must not stop the daemon.
  }
}
