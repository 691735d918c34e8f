import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClipTokenizer, END_OF_TEXT, START_OF_TEXT } from '../../../models/tokenizer/index.ts';

const dataDir = join(import.meta.dirname, '../../../data');
let tokenizer: ClipTokenizer;

beforeAll(async () => {
  tokenizer = await ClipTokenizer.load(dataDir);
});

const text = (ids: number[]) => ids.join(' ');

describe('ClipTokenizer.encode', () => {
  it('matches the ARCHITECTURE.md example', () => {
    expect(text(tokenizer.encode('a photograph of an astronaut riding a horse'))).toBe('320 8853 539 550 18376 6765 320 4558');
  });

  it('lowercases and ignores surrounding and repeated whitespace', () => {
    expect(tokenizer.encode('  A   Photograph\n\tOF an ASTRONAUT ')).toEqual(tokenizer.encode('a photograph of an astronaut'));
  });

  it('splits contractions off as their own tokens, case-insensitively', () => {
    expect(text(tokenizer.encode("don't"))).toBe('847 713');
    expect(text(tokenizer.encode("it's"))).toBe('585 568');
    expect(tokenizer.encode("I'M")).toEqual(tokenizer.encode("i'm"));
    expect(tokenizer.encode("we'll they're you've he'd").length).toBe(8);
  });

  it('encodes every digit separately', () => {
    const ids = tokenizer.encode('1234');
    expect(ids).toHaveLength(4);
    expect(ids).toEqual(['1', '2', '3', '4'].map((d) => tokenizer.encode(d)[0]));
  });

  it('keeps runs of punctuation together as one piece', () => {
    expect(text(tokenizer.encode('!!!'))).toBe('995');
    expect(text(tokenizer.encode('wow!!! ...'))).toBe('2781 995 678');
  });

  it('decodes HTML entities twice, including legacy names without a semicolon', () => {
    const ampersand = tokenizer.encode('&');
    expect(tokenizer.encode('&amp;')).toEqual(ampersand);
    expect(tokenizer.encode('&amp;amp;')).toEqual(ampersand);
    expect(tokenizer.encode('&lt3')).toEqual(tokenizer.encode('<3'));
  });

  it('encodes accents, other scripts and emoji through their UTF-8 bytes', () => {
    expect(text(tokenizer.encode('café'))).toBe('15304');
    expect(text(tokenizer.encode('🐱'))).toBe('22979');
    expect(tokenizer.encode('ΣΑΣ')).toEqual(tokenizer.encode('σας'));
  });

  it('maps the special tokens written in the text to their ids', () => {
    expect(tokenizer.encode('<|startoftext|>cat<|endoftext|>')).toEqual([START_OF_TEXT, ...tokenizer.encode('cat'), END_OF_TEXT]);
    expect(tokenizer.encode('<|EndOfText|>')).toEqual([END_OF_TEXT]);
  });

  it('stays fast on a pathological 20,000-letter word (BPE without rescanning every pair)', () => {
    let word = '';
    for (let i = 0; i < 20_000; i++) word += String.fromCharCode(97 + ((i * 7919) % 26));
    const started = performance.now();
    expect(tokenizer.encode(word).length).toBeGreaterThan(1000);
    // The rescanning algorithm needs over 10 s here; the heap one about 0.2 s.
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it('returns nothing for blank text', () => {
    expect(tokenizer.encode(' \n\t ')).toEqual([]);
  });
});

describe('ClipTokenizer.encodeForModel', () => {
  it('wraps the ids in start/end tokens and pads to 77 with the end token', () => {
    const { ids, count, truncated } = tokenizer.encodeForModel('a photograph of an astronaut riding a horse');
    expect(ids).toBeInstanceOf(Int32Array);
    expect(ids).toHaveLength(77);
    expect(Array.from(ids.slice(0, 10))).toEqual([START_OF_TEXT, 320, 8853, 539, 550, 18376, 6765, 320, 4558, END_OF_TEXT]);
    expect(ids.slice(10).every((id) => id === END_OF_TEXT)).toBe(true);
    expect(count).toBe(8);
    expect(truncated).toBe(false);
  });

  it('keeps the first 75 tokens of a long prompt and reports the full count', () => {
    const { ids, count, truncated } = tokenizer.encodeForModel(Array(100).fill('cat').join(' '));
    const cat = tokenizer.encode('cat')[0];
    expect(count).toBe(100);
    expect(truncated).toBe(true);
    expect(ids[0]).toBe(START_OF_TEXT);
    expect(Array.from(ids.slice(1, 76)).every((id) => id === cat)).toBe(true);
    expect(ids[76]).toBe(END_OF_TEXT);
  });

  it('is not truncated at exactly 75 tokens', () => {
    const input = tokenizer.encodeForModel(Array(75).fill('cat').join(' '));
    expect(input.count).toBe(75);
    expect(input.truncated).toBe(false);
  });
});

describe('ClipTokenizer.load', () => {
  it('uses the first folder that has a vocabulary', async () => {
    const fromFallback = await ClipTokenizer.load(join(dataDir, 'no-such-model', 'tokenizer'), dataDir);
    expect(fromFallback).toBe(tokenizer);
  });

  it('fails with vocabulary_unreadable naming the file when vocab.json is not JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentflow-vocab-'));
    writeFileSync(join(dir, 'vocab.json'), '{"a": 1,');
    writeFileSync(join(dir, 'merges.txt'), '#version: 0.2\n');
    await expect(ClipTokenizer.load(dir)).rejects.toMatchObject({
      code: 'vocabulary_unreadable',
      message: expect.stringContaining(join(dir, 'vocab.json')),
    });
  });

  it('fails with vocabulary_unreadable naming the file when merges.txt cannot be read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentflow-merges-'));
    writeFileSync(join(dir, 'vocab.json'), '{"a": 1}');
    mkdirSync(join(dir, 'merges.txt'));
    await expect(ClipTokenizer.load(dir)).rejects.toMatchObject({
      code: 'vocabulary_unreadable',
      message: expect.stringContaining(join(dir, 'merges.txt')),
    });
  });

  it('fails with vocabulary_not_found naming the folders it tried', async () => {
    await expect(ClipTokenizer.load('/nonexistent/tokenizer')).rejects.toMatchObject({
      code: 'vocabulary_not_found',
      message: expect.stringContaining('/nonexistent/tokenizer'),
    });
  });
});
