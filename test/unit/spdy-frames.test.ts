// SPDY/3.1 framing, header blocks and the per-direction zlib contexts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants, deflateSync } from 'node:zlib';
import { SPDY3_DICTIONARY } from '../../src/util/spdy/dictionary.js';
import {
  FLAG_FIN, FrameReader, FrameType, SpdyProtocolError, decodeHeaderBlock, encodeControl, encodeData, encodeHeaderBlock,
  goAway, parseSynStream, ping, rstStream,
} from '../../src/util/spdy/frames.js';
import { HeaderCompressor, HeaderDecompressor } from '../../src/util/spdy/header-zlib.js';

describe('SPDY/3 header dictionary', () => {
  it('is the 1,423 bytes of the draft: length-prefixed words, then the status, date and media-type run', () => {
    assert.equal(SPDY3_DICTIONARY.length, 1423);
    assert.deepEqual([...SPDY3_DICTIONARY.subarray(0, 11)], [0, 0, 0, 7, ...Buffer.from('options')]);
    assert.equal(SPDY3_DICTIONARY.subarray(-6).toString(), 'enq=0.');
    assert.ok(SPDY3_DICTIONARY.includes('\x00\x00\x00\x06origin'), 'last word');
  });
});

describe('SPDY frames', () => {
  it('lays out control and data frames as section 2.2 draws them', () => {
    assert.deepEqual([...ping(1)], [0x80, 0x03, 0x00, 0x06, 0, 0, 0, 4, 0, 0, 0, 1]);
    assert.deepEqual([...rstStream(5, 3)], [0x80, 0x03, 0x00, 0x03, 0, 0, 0, 8, 0, 0, 0, 5, 0, 0, 0, 3]);
    assert.deepEqual([...goAway(7, 0)], [0x80, 0x03, 0x00, 0x07, 0, 0, 0, 8, 0, 0, 0, 7, 0, 0, 0, 0]);
    assert.deepEqual([...encodeData(3, FLAG_FIN, Buffer.from('hi'))], [0, 0, 0, 3, 0x01, 0, 0, 2, 0x68, 0x69]);
    assert.throws(() => encodeData(1, 0, Buffer.alloc(0x1000000)), /exceeds/);
  });

  it('reassembles frames fed one byte at a time, and several from one chunk', () => {
    const bytes = Buffer.concat([ping(9), encodeData(1, 0, Buffer.from('abc')), encodeControl(FrameType.Settings, 0, Buffer.alloc(4))]);
    const r = new FrameReader();
    const one = [...bytes].flatMap((b) => r.push(Buffer.from([b])));
    const all = new FrameReader().push(bytes);
    for (const frames of [one, all]) {
      assert.equal(frames.length, 3);
      assert.deepEqual(frames[0], { kind: 'control', version: 3, type: FrameType.Ping, flags: 0, payload: Buffer.from([0, 0, 0, 9]) });
      assert.deepEqual(frames[1], { kind: 'data', streamId: 1, flags: 0, data: Buffer.from('abc') });
      assert.equal(frames[2].kind === 'control' && frames[2].type, FrameType.Settings);
    }
  });

  it('reads SYN_STREAM\'s fixed fields', () => {
    const p = Buffer.from([0, 0, 0, 5, 0, 0, 0, 0, 0b01100000, 0, 0xaa]);
    assert.deepEqual(parseSynStream(p), { streamId: 5, associatedTo: 0, priority: 3, block: Buffer.from([0xaa]) });
    assert.throws(() => parseSynStream(Buffer.alloc(9)), SpdyProtocolError);
  });

  it('header blocks: lower-case names, NUL-joined values, truncation refused', () => {
    const b = encodeHeaderBlock({ StreamType: ['data'], port: ['8080'], multi: ['a', 'b'] });
    assert.deepEqual(decodeHeaderBlock(b), { streamtype: ['data'], port: ['8080'], multi: ['a', 'b'] });
    assert.deepEqual(decodeHeaderBlock(encodeHeaderBlock({})), {});
    assert.throws(() => decodeHeaderBlock(b.subarray(0, b.length - 1)), SpdyProtocolError);
  });
});

describe('SPDY header compression', () => {
  it('one zlib stream per direction: later blocks depend on earlier ones, and concurrent calls keep their order', async () => {
    const c = new HeaderCompressor(), d = new HeaderDecompressor();
    try {
      const blocks = Array.from({ length: 50 }, (_, i) => ({ streamtype: [i % 2 ? 'data' : 'error'], port: ['7000'], requestid: [String(i)] }));
      const compressed = await Promise.all(blocks.map((h) => c.run(encodeHeaderBlock(h))));
      assert.ok(compressed[1].length < compressed[0].length, 'the second block reuses the first\'s window');
      const fresh = new HeaderDecompressor();
      await assert.rejects(fresh.run(compressed[1]), 'a later block alone is not a zlib stream');
      fresh.close();
      const back = await Promise.all(compressed.map((b) => d.run(b)));
      assert.deepEqual(back.map(decodeHeaderBlock), blocks);
    } finally {
      c.close();
      d.close();
    }
  });

  it('uses the SPDY dictionary: a sync-flushed block compressed against it by plain zlib decodes', async () => {
    const d = new HeaderDecompressor();
    try {
      const block = encodeHeaderBlock({ 'content-type': ['text/plain'] });
      const z = deflateSync(block, { dictionary: SPDY3_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
      assert.deepEqual(decodeHeaderBlock(await d.run(z)), { 'content-type': ['text/plain'] });
    } finally {
      d.close();
    }
  });
});
