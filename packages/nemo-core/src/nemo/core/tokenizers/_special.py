"""Special tokens: which token plays which role (padding, unknown, BERT's [CLS]/[SEP]/[MASK]…).

Users name them as NeMo and Hugging Face do (``{"pad_token": "[PAD]", "cls_token": "[CLS]"}``);
without that, a vocabulary's well-known spellings are recognised, so that a BERT ``vocab.txt``
or a tokenizer trained here needs no extra configuration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["BERT_SPECIAL_TOKENS", "ROLES", "detect_special_tokens", "special_token_map"]

ROLES = ("pad", "unk", "bos", "eos", "cls", "sep", "mask")

# the order the trainers here write them in: [PAD] first, so that padding is id 0
BERT_SPECIAL_TOKENS = {
    "pad": "[PAD]",
    "unk": "[UNK]",
    "cls": "[CLS]",
    "sep": "[SEP]",
    "mask": "[MASK]",
}

_SPELLINGS = {
    "pad": ("[PAD]", "<pad>"),
    "unk": ("[UNK]", "<unk>"),
    "bos": ("[BOS]", "<s>"),
    "eos": ("[EOS]", "</s>"),
    "cls": ("[CLS]",),
    "sep": ("[SEP]",),
    "mask": ("[MASK]", "<mask>"),
}


def special_token_map(special_tokens: object) -> dict[str, str]:
    """``{"pad_token": "[PAD]"}`` or ``{"pad": "[PAD]"}`` → ``{"pad": "[PAD]"}``, checked."""
    if not isinstance(special_tokens, Mapping):
        raise TypeError(
            "special_tokens must map roles to tokens, e.g. {'pad_token': '[PAD]', "
            f"'unk_token': '[UNK]'}}; got {type(special_tokens).__name__}"
        )
    found: dict[str, str] = {}
    for key, token in special_tokens.items():
        role = str(key).removesuffix("_token")
        if role not in ROLES:
            raise ValueError(
                f"special_tokens key {key!r} is not a role; use one of "
                + ", ".join(f"{r}_token" for r in ROLES)
            )
        if not isinstance(token, str) or not token:
            raise ValueError(f"special_tokens[{key!r}] must be a non-empty string, got {token!r}")
        found[role] = token
    return found


def detect_special_tokens(vocabulary: Iterable[str]) -> dict[str, str]:
    """The roles whose well-known spelling the vocabulary holds (first spelling wins)."""
    present = set(vocabulary)
    found: dict[str, str] = {}
    for role, spellings in _SPELLINGS.items():
        for token in spellings:
            if token in present:
                found[role] = token
                break
    return found
