using System.Text.Json.Serialization;

namespace Drover.Api.Tests;

// Source-generated like production contexts, so the converter is exercised the way the API uses it.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(QuantityHolder))]
internal sealed partial class QuantityJsonContext : JsonSerializerContext;

internal sealed record QuantityHolder
{
    public Quantity Cpu { get; init; }

    public Quantity? Memory { get; init; }
}
