using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Drover.Api;

/// <summary>
/// Writes a YAML scalar as the JSON value the YAML 1.2 core schema gives it. Numbers keep their literal
/// digits (JSON-normalised) rather than going through double: quantities such as `cpu: 0.1` must stay exact.
/// </summary>
internal static class YamlScalars
{
    public static void Write(Utf8JsonWriter writer, Scalar scalar)
    {
        var text = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (scalar.Style != ScalarStyle.Plain || tag is "tag:yaml.org,2002:str")
        {
            writer.WriteStringValue(text);
            return;
        }
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                writer.WriteNullValue();
                return;
            case "true" or "True" or "TRUE":
                writer.WriteBooleanValue(true);
                return;
            case "false" or "False" or "FALSE":
                writer.WriteBooleanValue(false);
                return;
        }
        if (TryWriteNumber(writer, text))
            return;
        writer.WriteStringValue(text);
    }

    /// <summary>The root of a document holding only comments or `---`: nothing to apply.</summary>
    public static bool IsEmptyPlain(Scalar scalar) => scalar.Style == ScalarStyle.Plain && string.IsNullOrEmpty(scalar.Value);

    private static bool TryWriteNumber(Utf8JsonWriter writer, string text)
    {
        var span = text.AsSpan();
        if (span.StartsWith("0x") && ulong.TryParse(span[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            writer.WriteNumberValue(hex);
            return true;
        }
        if (span.StartsWith("0o") && TryParseOctal(span[2..], out var octal))
        {
            writer.WriteNumberValue(octal);
            return true;
        }
        if (!IsCoreSchemaNumber(span))
            return false;
        writer.WriteRawValue(NormaliseForJson(span), skipInputValidation: false);
        return true;
    }

    /// <summary>Octal digits that fit 64 bits; anything longer stays a string, as an out-of-range hex number does.</summary>
    private static bool TryParseOctal(ReadOnlySpan<char> span, out ulong value)
    {
        value = 0;
        if (span.IsEmpty)
            return false;
        foreach (var c in span)
        {
            if (c is < '0' or > '7' || value > (ulong.MaxValue >> 3))
                return false;
            value = (value << 3) | (uint)(c - '0');
        }
        return true;
    }

    // [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    private static bool IsCoreSchemaNumber(ReadOnlySpan<char> s)
    {
        var i = 0;
        if (i < s.Length && s[i] is '+' or '-') i++;
        var intDigits = CountDigits(s, ref i);
        var fracDigits = 0;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            fracDigits = CountDigits(s, ref i);
        }
        if (intDigits == 0 && fracDigits == 0)
            return false;
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-') i++;
            if (CountDigits(s, ref i) == 0)
                return false;
        }
        return i == s.Length;
    }

    private static int CountDigits(ReadOnlySpan<char> s, ref int i)
    {
        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        return i - start;
    }

    private static string NormaliseForJson(ReadOnlySpan<char> s)
    {
        var sb = new System.Text.StringBuilder(s.Length + 2);
        var i = 0;
        if (s[0] == '+') i = 1;
        else if (s[0] == '-') { sb.Append('-'); i = 1; }
        // JSON forbids leading zeros ("007") and a bare leading or trailing dot.
        var intStart = i;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        var intPart = s[intStart..i].TrimStart('0');
        sb.Append(intPart.IsEmpty ? "0" : intPart);
        if (i < s.Length && s[i] == '.')
        {
            i++;
            var fracStart = i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            sb.Append('.').Append(i > fracStart ? s[fracStart..i] : "0");
        }
        sb.Append(s[i..]);
        return sb.ToString();
    }
}
