"""Decoding: UTF-8, else the encoding the bytes confidently are, flagged."""

import codecs

import pytest

from claims import decoding

FRENCH = "Le ministère a déclaré que le pont était détruit."
ENGLISH = "The defence ministry said the town was shelled."
# Letters that look like Latin ones, on purpose.
GREEK = "Το υπουργείο άμυνας δήλωσε ότι η πόλη βομβαρδίστηκε."  # noqa: RUF001
TURKISH = "Savunma bakanlığı şehrin bombalandığını açıkladı. Diğer taraf yalanladı."  # noqa: RUF001
CHINESE = "国防部表示，该镇遭到炮击。对方否认了这一说法。"  # noqa: RUF001


@pytest.mark.parametrize(
    ("data", "text", "flags"),
    [
        (FRENCH.encode("latin-1"), FRENCH, ("decoded_cp1252",)),
        (
            "The ministry said “the bridge was destroyed” — a claim the other side denied.".encode("cp1252"),
            "The ministry said “the bridge was destroyed” — a claim the other side denied.",
            ("decoded_cp1252",),
        ),
        (
            "Das Ministerium erklärte, die Brücke sei zerstört worden.".encode("cp1252"),
            "Das Ministerium erklärte, die Brücke sei zerstört worden.",
            ("decoded_cp1252",),
        ),
        ("café".encode("latin-1"), "café", ("decoded_cp1252",)),
        (
            "Ministerstvo uvedlo, že most byl zničen. Druhá strana to popřela.".encode("cp1250"),
            "Ministerstvo uvedlo, že most byl zničen. Druhá strana to popřela.",
            ("decoded_cp1250",),
        ),
        (
            "Министерство обороны заявило, что город был обстрелян.".encode("cp1251"),
            "Министерство обороны заявило, что город был обстрелян.",
            ("decoded_cp1251",),
        ),
        (
            GREEK.encode("cp1253"),
            GREEK,
            ("decoded_cp1253",),
        ),
        (
            TURKISH.encode("cp1254"),
            TURKISH,
            ("decoded_cp1254",),
        ),
        (
            "Министерство обороны заявило, что город был обстрелян.".encode("koi8_r"),
            "Министерство обороны заявило, что город был обстрелян.",
            ("decoded_koi8_r",),
        ),
        (
            CHINESE.encode("gb18030"),
            CHINESE,
            ("decoded_gb18030",),
        ),
        (ENGLISH.encode("utf-16-le"), ENGLISH, ("decoded_utf_16_le",)),
        (FRENCH.encode("utf-16-be"), FRENCH, ("decoded_utf_16_be",)),
        (
            "Министерство обороны заявило, что город был обстрелян.".encode("utf-16-le"),
            "Министерство обороны заявило, что город был обстрелян.",
            ("decoded_utf_16_le",),
        ),
        (codecs.BOM_UTF16_LE + ENGLISH.encode("utf-16-le"), ENGLISH, ("decoded_utf_16_le",)),
        (codecs.BOM_UTF32_LE + ENGLISH.encode("utf-32-le"), ENGLISH, ("decoded_utf_32_le",)),
        (codecs.BOM_UTF8 + FRENCH.encode(), FRENCH, ()),
        (FRENCH.encode(), FRENCH, ()),
        # UTF-8 with one bad byte: the bad byte is replaced, the accents stay.
        (FRENCH.encode() + b" \xff fin", FRENCH + " \ufffd fin", ("invalid_utf8",)),
    ],
)
def test_decode_finds_the_encoding_and_flags_it(data, text, flags):
    decoded = decoding.decode(data)
    assert (decoded.text, decoded.flags, decoded.binary) == (text, flags, False)


def test_valid_unicode_replaces_lone_surrogates_and_joins_pairs():
    assert decoding.valid_unicode("a\ud800b\ud83d\ude00") == decoding.Decoded(
        "a\ufffdb\U0001f600", flags=("surrogates_replaced",)
    )
    assert decoding.valid_unicode("plain") == decoding.Decoded("plain")


def test_decode_large_cp1252_is_detected_on_a_sample_and_decoded_whole():
    line = "Le ministère a déclaré que le pont était détruit. "
    decoded = decoding.decode((line * 20_000).encode("cp1252"))  # 1 MB; detection reads 256 KiB
    assert (decoded.text, decoded.flags) == (line * 20_000, ("decoded_cp1252",))


def test_decode_large_cp1252_with_a_byte_it_lacks_past_the_sample_is_replaced_there():
    line = "Le ministère a déclaré que le pont était détruit. "
    data = (line * 20_000).encode("cp1252") + b"\x81 fin"  # 0x81 is not a cp1252 character
    decoded = decoding.decode(data)
    assert (decoded.text, decoded.flags) == (line * 20_000 + "\ufffd fin", ("decoded_cp1252", "invalid_cp1252"))
