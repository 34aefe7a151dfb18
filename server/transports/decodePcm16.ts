/** Little-endian PCM s16 bytes as samples; copies only when the bytes are not 2-byte aligned. */
export function decodePcm16(bytes: Uint8Array): Int16Array {
  if (bytes.byteOffset % 2 === 0)
    return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
  const copy = new Uint8Array(bytes.byteLength & ~1);
  copy.set(bytes.subarray(0, copy.length));
  return new Int16Array(copy.buffer);
}
