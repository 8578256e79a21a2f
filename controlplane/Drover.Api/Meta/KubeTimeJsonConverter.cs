using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Drover.Api;

/// <summary>
/// RFC 3339 in UTC with a trailing Z, as Kubernetes writes metav1.Time; sub-second digits only when
/// present (MicroTime in leases), so second-precision timestamps look exactly like kubectl's.
/// </summary>
public sealed class KubeTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException("must be an RFC 3339 timestamp string");
        var text = reader.GetString()!;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
            throw new JsonException($"\"{text}\" is not an RFC 3339 timestamp");
        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        var utc = value.UtcDateTime;
        Span<char> buffer = stackalloc char[32];
        var format = utc.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-ddTHH:mm:ssZ" : "yyyy-MM-ddTHH:mm:ss.ffffffZ";
        utc.TryFormat(buffer, out var written, format, CultureInfo.InvariantCulture);
        writer.WriteStringValue(buffer[..written]);
    }
}
