/**
 * The API tap moved to engine/trace/api-tap.ts so API-level replay (which may import
 * only engine/ and recorder/capture/) shares it with recording; this path stays for
 * the recorder's existing imports.
 */
export { withApiTap } from '../engine/trace/api-tap';
