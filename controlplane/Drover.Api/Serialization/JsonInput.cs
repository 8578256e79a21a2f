using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Drover.Api;

/// <summary>
/// JSON from outside (a request body, a patch, a manifest file): checked in one forward pass before any
/// tree is built from it — size, UTF-8, well-formedness, depth, node count, key and string length, each
/// named with its <see cref="InputLimits"/> member and the line and column. The reader options here are the
/// ones every parser of outside JSON uses, so the bounds are explicit and the same everywhere.
/// </summary>
public static class JsonInput
{
    /// <summary>For <see cref="Utf8JsonReader"/> over outside input.</summary>
    public static JsonReaderOptions ReaderOptions => new() { MaxDepth = InputLimits.MaxDepth };

    /// <summary>For <see cref="JsonDocument"/> and <see cref="JsonNode"/> over outside input: duplicate keys refused.</summary>
    public static JsonDocumentOptions DocumentOptions => new() { MaxDepth = InputLimits.MaxDepth, AllowDuplicateProperties = false };

    /// <summary>Throws a <see cref="ManifestException"/> naming the first limit or rule <paramref name="json"/> breaks.</summary>
    public static void Check(ReadOnlySpan<byte> json, int maxBytes = InputLimits.MaxObjectBytes)
    {
        if (json.Length > maxBytes)
            throw ManifestException.LimitExceeded(nameof(InputLimits.MaxObjectBytes),
                $"the body is {json.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes, over the limit MaxObjectBytes = {maxBytes.ToString("N0", CultureInfo.InvariantCulture)}", tooLarge: true);
        var bad = FirstInvalidUtf8(json);
        if (bad >= 0)
            throw new ManifestException($"the body is not valid UTF-8 (first bad byte at offset {bad})");

        // The reader's own bound is one above ours, so the refusal below (with the limit's name) comes first.
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = InputLimits.MaxDepth + 1 });
        var nodes = 0;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        continue;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray when reader.CurrentDepth + 1 > InputLimits.MaxDepth:
                        throw Limit(json, reader, nameof(InputLimits.MaxDepth), "the nesting depth", InputLimits.MaxDepth);
                    case JsonTokenType.PropertyName when TextLength(json, ref reader, InputLimits.MaxKeyLength) > InputLimits.MaxKeyLength:
                        throw Limit(json, reader, nameof(InputLimits.MaxKeyLength), "the length of a key", InputLimits.MaxKeyLength);
                    case JsonTokenType.String when TextLength(json, ref reader, InputLimits.MaxStringLength) > InputLimits.MaxStringLength:
                        throw Limit(json, reader, nameof(InputLimits.MaxStringLength), "the length of a string", InputLimits.MaxStringLength);
                }
                if (++nodes > InputLimits.MaxNodes)
                    throw Limit(json, reader, nameof(InputLimits.MaxNodes), "the number of nodes", InputLimits.MaxNodes);
            }
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            throw new ManifestException($"malformed JSON at line {line}, column {column}: {StripPosition(e.Message)}", null, line, column, e);
        }
    }

    /// <summary>Parses a checked body into a tree with the same bounds (a merge patch, a manifest).</summary>
    public static JsonNode? ParseNode(ReadOnlySpan<byte> json)
    {
        Check(json, int.MaxValue);
        try
        {
            return JsonNode.Parse(json, documentOptions: DocumentOptions);
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            throw new ManifestException($"malformed JSON at line {line}, column {column}: {StripPosition(e.Message)}", null, line, column, e);
        }
    }

    /// <summary>The offset of the first byte that is not part of valid UTF-8, or -1. One pass.</summary>
    public static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
            return -1;
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
                return offset;
            offset += consumed;
        }
        return -1;
    }

    /// <summary>
    /// The UTF-16 length of the current string token (exact only when its raw bytes could exceed <paramref name="max"/>).
    /// An escaped string is unescaped once here: an escape of a lone surrogate (<c>"\ud800"</c>) has no UTF-8 form
    /// and would fail later, deep in a decoder, as an unexpected exception.
    /// </summary>
    private static int TextLength(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, int max)
    {
        var raw = reader.ValueSpan;
        if (reader.ValueIsEscaped)
        {
            try
            {
                return reader.GetString()!.Length;
            }
            catch (InvalidOperationException)
            {
                var (line, column) = Position(json, reader.TokenStartIndex);
                throw new ManifestException($"line {line}, column {column}: a string holds an invalid escape (a lone UTF-16 surrogate)", null, line, column);
            }
        }
        return raw.Length <= max ? raw.Length : Encoding.UTF8.GetCharCount(raw);
    }

    private static ManifestException Limit(ReadOnlySpan<byte> json, Utf8JsonReader reader, string limit, string what, int max)
    {
        var (line, column) = Position(json, reader.TokenStartIndex);
        return ManifestException.LimitExceeded(limit,
            $"line {line}, column {column}: {what} exceeds the limit {limit} = {max.ToString("N0", CultureInfo.InvariantCulture)}", line, column);
    }

    private static (long Line, long Column) Position(ReadOnlySpan<byte> json, long offset)
    {
        var before = json[..(int)offset];
        var line = before.Count((byte)'\n') + 1;
        var lastNewline = before.LastIndexOf((byte)'\n');
        return (line, offset - lastNewline);
    }

    internal static string StripPosition(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }
}
