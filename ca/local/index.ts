/** The built-in local CA: what the rest of the gateway uses from `ca/local`. */
export { LocalCa, type LocalCaOptions, type ServerCertificate } from './local-ca.js';
export { CaPassphraseError, caKeyAlgorithms, type CaKeyAlgorithm } from './keys.js';
export type { CaRevocation, LocalCaStore, StoredCaMaterial } from './store.js';
