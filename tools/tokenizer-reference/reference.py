"""An independent Python port of the CLIP tokenizer as ARCHITECTURE.md describes it.

Used only to produce expectations for test/models/tokenizer/fixtures: it follows
OpenAI's reference steps (html.unescape twice, whitespace collapse and split with
the `regex` module, str.strip, str.lower, byte-level BPE), without ftfy.
Reads a JSON list of prompts on stdin, writes a JSON list of id lists on stdout.
"""
import html
import json
import pathlib
import sys

import regex

DATA = pathlib.Path(__file__).resolve().parents[2] / 'data'
PIECE = regex.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
    regex.IGNORECASE,
)
SPECIAL = {'<|startoftext|>': 49406, '<|endoftext|>': 49407}


def byte_table():
    keep = [*range(0x21, 0x7f), *range(0xa1, 0xad), *range(0xae, 0x100)]
    table, extra = {}, 0
    for b in range(256):
        if b in keep:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


class Reference:
    def __init__(self):
        self.vocab = json.loads((DATA / 'vocab.json').read_text(encoding='utf-8'))
        lines = (DATA / 'merges.txt').read_text(encoding='utf-8').split('\n')[1 : 49152 - 256 - 2 + 1]
        self.rank = {tuple(line.split()): i for i, line in enumerate(lines)}
        self.bytes = byte_table()

    def bpe(self, word):
        parts = list(word[:-1]) + [word[-1] + '</w>']
        while len(parts) > 1:
            scored = [(self.rank.get((a, b), float('inf')), a, b) for a, b in zip(parts, parts[1:])]
            best, a, b = min(scored, key=lambda s: s[0])
            if best == float('inf'):
                break
            out, i = [], 0
            while i < len(parts):
                if i + 1 < len(parts) and parts[i] == a and parts[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(parts[i])
                    i += 1
            parts = out
        return parts

    def encode(self, text):
        text = html.unescape(html.unescape(text)).strip()
        text = regex.sub(r'\s+', ' ', text).strip().lower()
        ids = []
        for piece in PIECE.findall(text):
            if piece in SPECIAL:
                ids.append(SPECIAL[piece])
                continue
            encoded = ''.join(self.bytes[b] for b in piece.encode('utf-8'))
            ids.extend(self.vocab[s] for s in self.bpe(encoded))
        return ids


if __name__ == '__main__':
    reference = Reference()
    prompts = json.load(sys.stdin)
    json.dump([reference.encode(p) for p in prompts], sys.stdout)
