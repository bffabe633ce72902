/**
 * XML escaping shared by every XML-writing codec (ec2, query, rest-xml): markup characters, CR
 * (XML parsers normalise a raw CR away, so it must be a character reference to survive), and the
 * characters XML 1.0 does not allow at all.
 */
const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\r": "&#xD;",
};

// Markup characters, CR (XML parsers normalise raw CR away), and characters that XML 1.0 does not
// allow at all (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, lone surrogates).
// DEVIATION: the latter cannot be represented in XML 1.0 at all; we write them as character
// references, which the JS SDK's parser decodes back to the same character (so the value round
// trips), whereas a strict XML 1.0 parser (botocore's expat) rejects the document. AWS itself
// never stores such characters in the fields it returns.
const ESCAPE_RE =
  /[&<>"'\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const escapeXml = (s: string): string =>
  s.replace(ESCAPE_RE, (ch) => XML_ESCAPES[ch] ?? `&#x${ch.charCodeAt(0).toString(16).toUpperCase()};`);

/** Attribute values also keep LF and tab, which parsers would normalise to spaces. */
export const escapeXmlAttr = (s: string): string => escapeXml(s).replace(/\n/g, "&#xA;").replace(/\t/g, "&#x9;");
