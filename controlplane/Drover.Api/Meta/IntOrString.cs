using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Drover.Api;

/// <summary>Kubernetes' int-or-string (ports by number or name, maxSurge as 1 or "25%").</summary>
[JsonConverter(typeof(IntOrStringJsonConverter))]
public readonly record struct IntOrString
{
    private readonly string? _text;

    public IntOrString(int value) { IntValue = value; _text = null; }
    public IntOrString(string value) { ArgumentNullException.ThrowIfNull(value); IntValue = 0; _text = value; }

    public bool IsString => _text is not null;
    public int IntValue { get; }
    public string StringValue => _text ?? IntValue.ToString(CultureInfo.InvariantCulture);

    public static implicit operator IntOrString(int value) => new(value);
    public static implicit operator IntOrString(string value) => new(value);

    /// <summary>
    /// Resolves a percentage ("25%") against <paramref name="total"/> or returns the plain number,
    /// rounding as Kubernetes' GetScaledValueFromIntOrPercent does.
    /// </summary>
    public bool TryGetScaledValue(int total, bool roundUp, out int value)
    {
        if (!IsString) { value = IntValue; return true; }
        var s = _text!;
        if (s.EndsWith('%') && int.TryParse(s.AsSpan(0, s.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
        {
            var scaled = (long)percent * total;
            value = (int)(roundUp ? (scaled + 99) / 100 : scaled / 100);
            return true;
        }
        value = 0;
        return false;
    }

    public override string ToString() => StringValue;
}

internal sealed class IntOrStringJsonConverter : JsonConverter<IntOrString>
{
    public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt32(out var n) => new IntOrString(n),
            JsonTokenType.String => new IntOrString(reader.GetString()!),
            _ => throw new JsonException("must be an integer or a string"),
        };

    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        if (value.IsString) writer.WriteStringValue(value.StringValue);
        else writer.WriteNumberValue(value.IntValue);
    }
}
