// Written by hand: no RFC 8785 (JSON Canonicalization Scheme) library restores here.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlopsPortal.Engine.Hashing;

/// <summary>
/// RFC 8785-style canonical JSON: object members sorted by their UTF-16 code units, no insignificant
/// whitespace, strings escaped as ECMAScript's JSON.stringify does, numbers in their shortest
/// round-trip form (integers without a fraction or exponent). The audit trail hashes this form,
/// so any two writers that agree on the content agree on the bytes. docs/audit-trail.md documents it.
/// </summary>
public static class CanonicalJson
{
    public static string Serialize(JsonNode? node)
    {
        var sb = new StringBuilder(256);
        Write(sb, node);
        return sb.ToString();
    }

    public static string Serialize(string json) => Serialize(JsonNode.Parse(json));

    private static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteString(sb, key);
                    sb.Append(':');
                    Write(sb, value);
                }
                sb.Append('}');
                break;
            case JsonArray arr:
                sb.Append('[');
                for (var i = 0; i < arr.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Write(sb, arr[i]);
                }
                sb.Append(']');
                break;
            case JsonValue value:
                WriteValue(sb, value);
                break;
        }
    }

    private static void WriteValue(StringBuilder sb, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(sb, value.GetValue<string>());
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            case JsonValueKind.Null:
                sb.Append("null");
                break;
            case JsonValueKind.Number:
                using (var doc = JsonDocument.Parse(value.ToJsonString()))
                    WriteNumber(sb, doc.RootElement);
                break;
            default:
                throw new InvalidOperationException($"Unexpected JSON value kind {value.GetValueKind()}.");
        }
    }

    private static void WriteNumber(StringBuilder sb, JsonElement element)
    {
        // RFC 8785 treats every number as an IEEE-754 double, written as ECMAScript's Number.toString.
        var d = element.GetDouble();
        if (double.IsNaN(d) || double.IsInfinity(d))
            throw new InvalidOperationException("Canonical JSON cannot hold NaN or Infinity.");
        sb.Append(FormatDouble(d));
    }

    /// <summary>ECMAScript Number.prototype.toString for finite doubles (ECMA-262 §6.1.6.1.20).</summary>
    public static string FormatDouble(double d)
    {
        if (d == 0) return "0";
        var sign = d < 0 ? "-" : "";
        // "R" gives the shortest digits that round-trip, as ECMAScript requires; only the layout differs.
        var r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOfAny(['E', 'e']);
        var mantissa = e >= 0 ? r[..e] : r;
        var exponent = e >= 0 ? int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture) : 0;
        var point = mantissa.IndexOf('.');
        var digits = point >= 0 ? mantissa.Remove(point, 1) : mantissa;
        var n = (point >= 0 ? point : mantissa.Length) + exponent; // the decimal point sits after n digits
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits[leading..].TrimEnd('0');
        n -= leading;
        var k = digits.Length;

        string text;
        if (k <= n && n <= 21)
            text = digits + new string('0', n - k);
        else if (0 < n && n <= 21)
            text = digits[..n] + "." + digits[n..];
        else if (-6 < n && n <= 0)
            text = "0." + new string('0', -n) + digits;
        else
        {
            var exp = n - 1;
            var expText = (exp >= 0 ? "+" : "-") + Math.Abs(exp).ToString(CultureInfo.InvariantCulture);
            text = k == 1 ? digits + "e" + expText : digits[..1] + "." + digits[1..] + "e" + expText;
        }
        return sign + text;
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
