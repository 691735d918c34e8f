"""Generates test/models/tokenizer/fixtures/reference-ids.json: a few thousand
seeded prompts that stress the tokenizer, with the ids reference.py gives them."""
import html.entities
import json
import pathlib
import random

from reference import Reference

ROOT = pathlib.Path(__file__).resolve().parents[2]
TARGET = ROOT / 'test' / 'models' / 'tokenizer' / 'fixtures' / 'reference-ids.json'

rng = random.Random(20261126)
reference = Reference()
WORDS = [w[:-4] for w in reference.vocab if w.endswith('</w>') and w[:-4].isalpha() and w[:-4].isascii()]
PUNCTUATION = list('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~') + ['...', '!!', '--', '’', '“', '”', '«', '»', '¿', '¡', '…']
CONTRACTIONS = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'M", "'LL", "'D", "'x", "'"]
WHITESPACE = [' ', '\t', '\n', '\r', '\x0b', '\x0c', '\x1c', '\x1d', '\x1e', '\x1f', '\x85', '\xa0', '\u1680',
              '\u2000', '\u2007', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u200b',
              '\u180e', '  ', ' \t\n ']
SCRIPTS = [(0x00c0, 0x024f), (0x0370, 0x03ff), (0x0400, 0x04ff), (0x0590, 0x05ff), (0x0600, 0x06ff),
           (0x0900, 0x097f), (0x0e00, 0x0e7f), (0x3040, 0x30ff), (0x4e00, 0x4fff), (0xac00, 0xad00),
           (0x0300, 0x036f), (0x1e00, 0x1eff), (0xff00, 0xffef), (0x2160, 0x2188), (0x0660, 0x0669)]
EMOJI = ['🐱', '🚀', '👍🏽', '👨‍👩‍👧', '🇫🇷', '❤️', '✨', '🎨', '🧑‍🚀', '☕', '😀', '🌕', '🏳️‍🌈']
TRICKY = ['ſ', 'K', 'İ', 'ß', 'Σ', 'ς', 'σ', 'ﬁ', 'Å', 'ǅ', 'ΐ', 'ŉ', 'Ϊ́', 'ͅ', 'ᾼ']
ENTITY_NAMES = sorted(html.entities.html5)
SPECIAL = ['<|startoftext|>', '<|endoftext|>', '<|EndOfText|>', '<|STARTOFTEXT|>', '<|endoftext', '<|ſtartoftext|>']


def word():
    w = rng.choice(WORDS)
    return rng.choice([w, w.capitalize(), w.upper()])


def entity():
    kind = rng.randrange(6)
    if kind == 0:
        name = rng.choice(ENTITY_NAMES)
        return '&' + name + rng.choice(['', 'x', '3', ';'])
    if kind == 1:
        return '&#' + str(rng.choice([0, 9, 10, 13, 11, 38, 65, 127, 128, 129, 150, 159, 160, 0xd800, 0xdfff, 0xfdd0,
                                      0xfffe, 0x1fffe, 0x10ffff, 0x110000, 10 ** 30, rng.randrange(0x20000)])) + rng.choice([';', ''])
    if kind == 2:
        return '&#' + rng.choice('xX') + format(rng.randrange(0x110010), rng.choice(['x', 'X'])) + rng.choice([';', ''])
    if kind == 3:
        return rng.choice(['&amp;amp;', '&amp;lt;', '&amp;#39;', '&amp;amp;amp;', '&amp', '&ampamp;', '&lt3', '&#', '&#x;', '&;', '& ', '&&lt;'])
    if kind == 4:
        return '&' + ''.join(rng.choice('abcdefghijklmnopqrstuvwxyzAEIOU;#0123456789') for _ in range(rng.randrange(1, 40)))
    return '&' + rng.choice(['notin', 'notit;', 'nota', 'copysr;', 'copy', 'AMPx', 'gtrsim;', 'sup1x', 'frac12;'])


def random_char():
    while True:
        c = rng.choice([rng.randrange(0x20, 0x250), rng.randrange(0x250, 0x3000), rng.randrange(0x3000, 0x10000),
                        rng.randrange(0x10000, 0x110000)])
        if not 0xd800 <= c <= 0xdfff:
            return chr(c)


def piece():
    kind = rng.randrange(12)
    if kind < 3:
        return word()
    if kind == 3:
        return ''.join(rng.choice(PUNCTUATION) for _ in range(rng.randrange(1, 5)))
    if kind == 4:
        return word() + rng.choice(CONTRACTIONS)
    if kind == 5:
        return str(rng.randrange(10 ** rng.randrange(1, 8))) + rng.choice(['', '.5', 'px', 'k', '%', ',000'])
    if kind == 6:
        lo, hi = rng.choice(SCRIPTS)
        return ''.join(chr(rng.randrange(lo, hi)) for _ in range(rng.randrange(1, 8)))
    if kind == 7:
        return rng.choice(EMOJI) * rng.randrange(1, 3)
    if kind == 8:
        return entity()
    if kind == 9:
        return rng.choice(SPECIAL) if rng.random() < 0.5 else rng.choice(TRICKY) + rng.choice(["'s", "'S", 'ΑΣ', 'Σ.', ''])
    if kind == 10:
        return ''.join(random_char() for _ in range(rng.randrange(1, 6)))
    return rng.choice(WHITESPACE)


def prompt():
    length = rng.choice([1, 2, 3, 5, 8, 12, 20, 40])
    separators = [' '] * 6 + [', ', '', rng.choice(WHITESPACE)]
    text = ''.join(piece() + rng.choice(separators) for _ in range(length))
    if rng.random() < 0.2:
        text = rng.choice(WHITESPACE) + text + rng.choice(WHITESPACE)
    return text


def sigma_soup(mix):
    """Short strings of random code points around Σ, s and references: case and split edge cases."""
    def code_point():
        while True:
            c = mix.choice([mix.randrange(0x20, 0x300), mix.randrange(0x300, 0x2000), mix.randrange(0x2000, 0x3100),
                            mix.randrange(0xa000, 0xfff0), mix.randrange(0x10000, 0x20000), mix.randrange(0, 0x20)])
            if not 0xD800 <= c <= 0xDFFF:
                return chr(c)
    return ''.join(mix.choice([code_point(), code_point(), ' ', "'", 's', 'S', '&', ';', '#', 'x', 'Σ', 'a'])
                   for _ in range(mix.randrange(1, 30)))


def main():
    fixed = ['', ' ', 'a photograph of an astronaut riding a horse', "don't it's I'M", '&amp;', '&amp;amp;', '&lt3',
             'ΟΔΥΣΣΕΥΣ', 'ΣΑΣ ΑΣ. Σ', 'a\x1cb\x1fc', ' \x1c a \x1c ', 'x' * 400, ' '.join(['cat'] * 100),
             'ab' * 500, 'aaa' * 300, '!?' * 300, ''.join(chr(0x400 + i % 200) for i in range(500))]
    long_words = random.Random(3)
    fixed.append(''.join(long_words.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(2000)))
    mix = random.Random(77)
    prompts = fixed + [prompt() for _ in range(2500)] + [sigma_soup(mix) for _ in range(1000)]
    cases = [[p, reference.encode(p)] for p in prompts]
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    body = {'generated': 'by tools/tokenizer-reference/gen_fixture.py; do not edit', 'cases': cases}
    tmp = TARGET.with_suffix('.tmp')
    tmp.write_text(json.dumps(body, ensure_ascii=True, separators=(',', ':')) + '\n', encoding='utf-8')
    tmp.replace(TARGET)
    print(len(cases), 'cases,', TARGET.stat().st_size, 'bytes')


if __name__ == '__main__':
    main()
