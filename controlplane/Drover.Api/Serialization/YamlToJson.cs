using System.Buffers;
using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Drover.Api;

/// <summary>
/// Turns YAML manifests into JSON so that one strict, source-generated decoder reads both formats.
/// Works on YamlDotNet's node model (no reflection, aliases resolved). Plain scalars are typed by the
/// YAML 1.2 core schema — null, true/false, integers, floats, else strings — so `replicas: 3` is a
/// number and `"3"` stays a string, as kubectl's conversion does (minus YAML 1.1's yes/no booleans).
/// </summary>
public static class YamlToJson
{
    public static IReadOnlyList<ManifestDocument> ConvertDocuments(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        using var reader = new StringReader(yaml);
        var parser = new Parser(reader);
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            throw new ManifestException($"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {Innermost(e).Message}", null, e.Start.Line, e.Start.Column, e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet throws this, without a position, for some unterminated flow collections ("replicas: [3").
            var mark = parser.Current?.End ?? Mark.Empty;
            throw new ManifestException($"invalid YAML near line {mark.Line}, column {mark.Column}: malformed flow collection", null, mark.Line, mark.Column, e);
        }

        var documents = new List<ManifestDocument>(stream.Documents.Count);
        foreach (var document in stream.Documents)
        {
            var root = document.RootNode;
            // A document holding only comments or `---` has an empty plain scalar as root: nothing to apply.
            if (root is YamlScalarNode { Value: null or "" } scalar && scalar.Style == ScalarStyle.Plain)
                continue;
            var buffer = new ArrayBufferWriter<byte>(1024);
            using (var writer = new Utf8JsonWriter(buffer))
                Write(writer, root);
            documents.Add(new ManifestDocument(documents.Count, root.Start.Line, buffer.WrittenSpan.ToArray()));
        }
        return documents;
    }

    /// <summary>A single-document body (an API request in YAML).</summary>
    public static byte[] ConvertSingle(string yaml)
    {
        var documents = ConvertDocuments(yaml);
        return documents.Count switch
        {
            1 => documents[0].Json,
            0 => throw new ManifestException("the body holds no object"),
            _ => throw new ManifestException($"the body holds {documents.Count} documents; send one object per request"),
        };
    }

    private static Exception Innermost(Exception e) => e.InnerException is YamlException inner ? Innermost(inner) : e;

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                        throw new ManifestException($"line {key.Start.Line}, column {key.Start.Column}: mapping keys must be strings", null, key.Start.Line, key.Start.Column);
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                    Write(writer, item);
                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                throw new ManifestException($"line {node.Start.Line}: unsupported YAML node", null, node.Start.Line, node.Start.Column);
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
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

    private static bool TryWriteNumber(Utf8JsonWriter writer, string text)
    {
        var span = text.AsSpan();
        if (span.StartsWith("0x") && long.TryParse(span[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            writer.WriteNumberValue(hex);
            return true;
        }
        if (span.StartsWith("0o") && span.Length > 2 && IsOctal(span[2..]))
        {
            writer.WriteNumberValue(Convert.ToInt64(text[2..], 8));
            return true;
        }
        if (!IsCoreSchemaNumber(span))
            return false;
        // Keep the literal digits (JSON-normalised) rather than going through double: quantities
        // such as `cpu: 0.1` must stay exact.
        writer.WriteRawValue(NormaliseForJson(span), skipInputValidation: false);
        return true;
    }

    private static bool IsOctal(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
            if (c is < '0' or > '7')
                return false;
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
