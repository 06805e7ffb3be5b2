// An LZMA decoder for the `.lzma` ("LZMA alone") format `xz --format=lzma` writes: the
// site ships its wasm module this way (scripts/pack-wasm.mjs inlines this function into the
// page's loader and checks, at every build, that it gives back the module byte for byte).
// It follows the decoder of the LZMA specification (LzmaSpec.cpp in the LZMA SDK): a range
// coder with adaptive bit probabilities, literals coded after the previous byte, matches as
// (length, distance) with four repeated distances. Written here because the packaged
// decoders are either ~9 kB gzip (xz-embedded built to wasm) or ~30x slower (LZMA-JS).
// The header must carry the unpacked size (pack-wasm.mjs writes it); an end marker after
// the last byte is allowed. Throws on corrupt input; the loader then falls back to the
// plain module.
function unlzma(input) {
  const bad = (why) => {
    throw new Error(`corrupt LZMA data: ${why}`);
  };
  if (input.length < 18) bad('too short');
  let props = input[0];
  if (props >= 225) bad('bad properties');
  const lc = props % 9;
  props = (props / 9) | 0;
  const lp = props % 5;
  const pb = (props / 5) | 0;
  const size = input[5] + input[6] * 2 ** 8 + input[7] * 2 ** 16 + input[8] * 2 ** 24 +
    (input[9] + input[10] * 2 ** 8 + input[11] * 2 ** 16 + input[12] * 2 ** 24) * 2 ** 32;
  if (size > 2 ** 30) bad('no size, or too large');
  const out = new Uint8Array(size);
  let pos = 0;

  // the range decoder
  let at = 13;
  if (input[at++] !== 0) bad('bad range coder start');
  let range = 0xffffffff;
  let code = 0;
  for (let i = 0; i < 4; i++) code = ((code << 8) | input[at++]) >>> 0;
  const normalize = () => {
    if (range < 0x1000000) {
      if (at >= input.length) bad('cut short');
      range = (range << 8) >>> 0;
      code = ((code << 8) | input[at++]) >>> 0;
    }
  };
  const bit = (probs, i) => {
    const p = probs[i];
    const bound = (range >>> 11) * p;
    let b;
    if (code < bound) {
      range = bound;
      probs[i] = p + ((2048 - p) >>> 5);
      b = 0;
    } else {
      range -= bound;
      code -= bound;
      probs[i] = p - (p >>> 5);
      b = 1;
    }
    if (range < 0x1000000) {
      range = (range << 8) >>> 0;
      code = ((code << 8) | input[at++]) >>> 0;
    }
    return b;
  };
  const direct = (n) => {
    let r = 0;
    for (; n > 0; n--) {
      range >>>= 1;
      let b = 0;
      if (code >= range) {
        code -= range;
        b = 1;
      }
      r = ((r << 1) | b) >>> 0;
      normalize();
    }
    return r;
  };
  const tree = (probs, base, n) => {
    let m = 1;
    for (let i = 0; i < n; i++) m = (m << 1) | bit(probs, base + m);
    return m - (1 << n);
  };
  const reverse = (probs, base, n) => {
    let m = 1;
    let r = 0;
    for (let i = 0; i < n; i++) {
      const b = bit(probs, base + m);
      m = (m << 1) | b;
      r |= b << i;
    }
    return r;
  };
  const probs = (n) => new Uint16Array(n).fill(1024);

  // the models
  const literals = probs(0x300 << (lc + lp));
  const isMatch = probs(192);
  const isRep = probs(12);
  const isRepG0 = probs(12);
  const isRepG1 = probs(12);
  const isRepG2 = probs(12);
  const isRep0Long = probs(192);
  const posSlot = probs(4 << 6);
  const posSpecial = probs(115);
  const align = probs(16);
  // a length coder: choice, choice2, low[16][8], mid[16][8], high[256]
  const lengths = () => probs(2 + 2 * 128 + 256);
  const matchLen = lengths();
  const repLen = lengths();
  const length = (l, posState) => {
    if (!bit(l, 0)) return tree(l, 2 + posState * 8, 3);
    if (!bit(l, 1)) return 8 + tree(l, 130 + posState * 8, 3);
    return 16 + tree(l, 258, 8);
  };

  const pbMask = (1 << pb) - 1;
  const lpMask = (1 << lp) - 1;
  let state = 0;
  let rep0 = 0;
  let rep1 = 0;
  let rep2 = 0;
  let rep3 = 0;
  while (pos < size) {
    const posState = pos & pbMask;
    if (!bit(isMatch, (state << 4) + posState)) {
      // a literal
      const prev = pos > 0 ? out[pos - 1] : 0;
      const base = 0x300 * (((pos & lpMask) << lc) + (prev >>> (8 - lc)));
      let symbol = 1;
      if (state >= 7) {
        if (rep0 >= pos) bad('distance past the start');
        let match = out[pos - rep0 - 1];
        while (symbol < 0x100) {
          const matchBit = (match >>> 7) & 1;
          match <<= 1;
          const b = bit(literals, base + ((1 + matchBit) << 8) + symbol);
          symbol = (symbol << 1) | b;
          if (matchBit !== b) break;
        }
      }
      while (symbol < 0x100) symbol = (symbol << 1) | bit(literals, base + symbol);
      out[pos++] = symbol & 0xff;
      state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      continue;
    }
    let len;
    if (bit(isRep, state)) {
      if (pos === 0) bad('a repeat at the start');
      if (!bit(isRepG0, state)) {
        if (!bit(isRep0Long, (state << 4) + posState)) {
          // a one-byte repeat of rep0
          state = state < 7 ? 9 : 11;
          out[pos] = out[pos - rep0 - 1];
          pos++;
          continue;
        }
      } else {
        let dist;
        if (!bit(isRepG1, state)) {
          dist = rep1;
        } else {
          if (!bit(isRepG2, state)) {
            dist = rep2;
          } else {
            dist = rep3;
            rep3 = rep2;
          }
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = dist;
      }
      len = length(repLen, posState);
      state = state < 7 ? 8 : 11;
    } else {
      rep3 = rep2;
      rep2 = rep1;
      rep1 = rep0;
      len = length(matchLen, posState);
      state = state < 7 ? 7 : 10;
      // the distance
      const slot = tree(posSlot, (len < 3 ? len : 3) << 6, 6);
      if (slot < 4) {
        rep0 = slot;
      } else {
        const n = (slot >>> 1) - 1;
        rep0 = ((2 | (slot & 1)) << n) >>> 0;
        if (slot < 14) {
          rep0 += reverse(posSpecial, rep0 - slot, n);
        } else {
          rep0 += direct(n - 4) * 16;
          rep0 += reverse(align, 0, 4);
        }
        if (rep0 >= 0xffffffff) break; // the end marker
      }
      if (rep0 >= pos) bad('distance past the start');
    }
    len += 2;
    if (pos + len > size) bad('a match past the end');
    for (; len > 0; len--, pos++) out[pos] = out[pos - rep0 - 1];
  }
  if (pos !== size || at > input.length) bad('cut short');
  return out;
}
