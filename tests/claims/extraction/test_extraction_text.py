import time

from claims.extraction import normalize_text
from claims.extraction.text import strip_html


def test_normalize_text_plain_string_is_unchanged():
    result = normalize_text("Plain text.")
    assert result.text == "Plain text."
    assert result.flags == ()


def test_normalize_text_decodes_utf8_bytes():
    result = normalize_text("Z\u0259ngilan and Tal\u0131\u015f".encode())
    assert result.text == "Z\u0259ngilan and Tal\u0131\u015f"
    assert result.invalid_utf8 is False


def test_normalize_text_flags_invalid_utf8():
    result = normalize_text(b"caf\xe9 \xff ok")
    assert result.text == "caf\ufffd \ufffd ok"
    assert result.invalid_utf8 is True


def test_normalize_text_removes_nul_bytes():
    result = normalize_text(b"a\x00b\x00c")
    assert result.text == "abc"
    assert result.nul_removed is True


def test_normalize_text_flags_binary_junk():
    result = normalize_text(bytes(range(1, 32)) * 50)
    assert result.binary is True
    assert result.control_removed is True
    assert "\x01" not in result.text


def test_normalize_text_windows_line_endings():
    result = normalize_text(b"one\r\ntwo\rthree")
    assert result.text == "one\ntwo\nthree"
    assert result.newlines_normalized is True


def test_normalize_text_strips_html_and_decodes_entities():
    raw = "<html><body><p>Clashes &amp; shelling</p><script>var x = 1;</script><p>Caf&eacute;</p></body></html>"
    result = normalize_text(raw)
    assert result.text == "Clashes & shelling\n\nCafé"
    assert result.html_stripped is True


def test_normalize_text_keeps_prose_with_angle_brackets():
    result = normalize_text("Losses were < 10 and > 2.")
    assert result.text == "Losses were < 10 and > 2."
    assert result.html_stripped is False


def test_strip_html_unclosed_script_drops_the_rest():
    assert strip_html("<p>Kept</p><script>never closed") == "Kept"


def test_normalize_text_empty_inputs():
    assert normalize_text(b"").text == ""
    assert normalize_text("").text == ""


def test_normalize_text_applies_nfc():
    assert normalize_text("Caf\u0065\u0301").text == "Café"


def test_strip_html_comment_holding_tags_leaves_nothing():
    raw = "<p>The army said <!-- <b>draft</b> <p>unchecked</p> --> the bridge held.</p>"
    assert strip_html(raw) == "The army said  the bridge held."


def test_strip_html_attribute_holding_a_closing_bracket_is_not_text():
    raw = '<p><a title="north > south" href="/x">Velka</a> was shelled <img alt="1>2" src="a.png">today.</p>'
    assert strip_html(raw) == "Velka was shelled today."


def test_strip_html_unclosed_comment_runs_to_the_end():
    assert strip_html("<p>Kept</p><!-- never closed <p>dropped</p>") == "Kept"


def test_strip_html_cdata_section_is_a_comment():
    assert strip_html("<p>a<![CDATA[x > y]]>b<![if !IE]>c</p>") == "abc"


def test_strip_html_keeps_stray_angle_brackets_as_text():
    assert strip_html("<p>Losses were <10 and a <b>few</b> more, 3 < 4</p>") == "Losses were <10 and a few more, 3 < 4"


def test_strip_html_stays_linear_on_unterminated_markup():
    for unit in ("<a ", "<!", "</", "<?", '<a b="', "<![CDATA[", "<"):
        text = "<p>x</p>" + unit * 100_000
        start = time.perf_counter()
        stripped = strip_html(text)
        assert time.perf_counter() - start < 10, unit
        assert stripped.startswith("x")
