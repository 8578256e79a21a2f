using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Drover.Api;

/// <summary>
/// Reads a quantity from a JSON string or number and writes its canonical string. Numbers are
/// accepted because YAML <c>cpu: 0.5</c> reaches us as a JSON number; the raw token text is parsed,
/// never a double, so <c>0.1</c> stays exactly 100m.
/// </summary>
internal sealed class QuantityJsonConverter : JsonConverter<Quantity>
{
    private const int StackLimit = 128;

    public override Quantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Number))
        {
            throw new JsonException($"quantity must be a JSON string or number, not {reader.TokenType}");
        }

        int length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        Span<char> buffer = length <= StackLimit ? stackalloc char[StackLimit] : new char[length];
        int written;
        if (reader.TokenType == JsonTokenType.String)
        {
            written = reader.CopyString(buffer);
        }
        else
        {
            // Number tokens are validated ASCII by the reader, so a byte-to-char widening is exact.
            written = reader.HasValueSequence
                ? Encoding.ASCII.GetChars(reader.ValueSequence.ToArray(), buffer)
                : Encoding.ASCII.GetChars(reader.ValueSpan, buffer);
        }

        // Kubernetes trims surrounding whitespace inside JSON strings (TestJSONWhitespace).
        ReadOnlySpan<char> text = buffer[..written].Trim();
        QuantityParseError error = QuantityParser.TryParse(text, out Quantity value, refuseSaturation: true);
        if (error != QuantityParseError.None)
        {
            throw new JsonException(QuantityParser.Describe(text, error));
        }

        return value;
    }

    public override void Write(Utf8JsonWriter writer, Quantity value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<char> buffer = stackalloc char[StackLimit];
        if (value.TryFormat(buffer, out int written))
        {
            writer.WriteStringValue(buffer[..written]);
            return;
        }

        writer.WriteStringValue(value.ToString());
    }
}
