using System.Text.Json.Serialization;

namespace Drover.ControlPlane.Registry.Allocation;

/// <summary>
/// The stored record of one allocator (Kubernetes' RangeAllocation): the range it covers, so a changed
/// <c>--service-cidr</c> is noticed, and the taken offsets in <see cref="AllocationBitmap"/>'s form.
/// </summary>
internal sealed record RangeAllocation(string Range, byte[] Data);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, MaxDepth = 4)]
[JsonSerializable(typeof(RangeAllocation))]
internal sealed partial class RangeAllocationJsonContext : JsonSerializerContext;
