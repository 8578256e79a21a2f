using System.Globalization;
using System.Text.Json;
using Drover.Api;

namespace Drover.ControlPlane.Controllers.Deployments;

/// <summary>
/// The pod-template-hash that names a Deployment's ReplicaSets and keeps their pods apart (Kubernetes'
/// ComputeHash): FNV-32a over the template, plus the collision count when there is one, printed in decimal
/// and mapped onto the unambiguous alphabet. The template is hashed in a canonical JSON form (object keys
/// sorted) so that the same template always gives the same hash, whatever order a manifest listed labels in.
/// </summary>
public static class PodTemplateHash
{
    public const string Label = WellKnownLabels.PodTemplateHash;

    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Compute(PodTemplateSpec template, int? collisionCount)
    {
        ArgumentNullException.ThrowIfNull(template);
        var hash = Fnv32a.Offset;
        hash = Fnv32a.Add(hash, Canonical(template));
        if (collisionCount is { } count)
        {
            // As Kubernetes: the count's four bytes little-endian in an eight-byte buffer.
            Span<byte> bytes = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes, unchecked((uint)count));
            hash = Fnv32a.Add(hash, bytes);
        }
        return SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Whether two templates are the same apart from the pod-template-hash label (Kubernetes EqualIgnoreHash).</summary>
    public static bool EqualIgnoringHash(PodTemplateSpec a, PodTemplateSpec b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Canonical(WithoutHash(a)).AsSpan().SequenceEqual(Canonical(WithoutHash(b)));
    }

    /// <summary><paramref name="labels"/> plus the hash label (a new dictionary).</summary>
    public static Dictionary<string, string> WithHash(Dictionary<string, string>? labels, string hash) =>
        new(labels ?? [], StringComparer.Ordinal) { [Label] = hash };

    public static PodTemplateSpec WithoutHash(PodTemplateSpec template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (template.Metadata?.Labels is not { } labels || !labels.ContainsKey(Label))
            return template;
        var rest = new Dictionary<string, string>(labels, StringComparer.Ordinal);
        rest.Remove(Label);
        return template with { Metadata = template.Metadata with { Labels = rest.Count > 0 ? rest : null } };
    }

    /// <summary>
    /// Kubernetes' rand.SafeEncodeString: each character mapped into an alphabet without vowels or look-alike
    /// digits, so a hash never spells a word and reads back unambiguously.
    /// </summary>
    public static string SafeEncode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
                span[i] = Alphabet[source[i] % Alphabet.Length];
        });
    }

    /// <summary>The template's JSON with every object's keys in ordinal order, and no whitespace.</summary>
    internal static byte[] Canonical(PodTemplateSpec template)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(template, ApiJsonContext.Default.PodTemplateSpec);
        using var document = JsonDocument.Parse(json);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(json.Length);
        using (var writer = new Utf8JsonWriter(buffer))
            WriteSorted(writer, document.RootElement);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteSorted(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                    WriteSorted(writer, item);
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static class Fnv32a
    {
        public const uint Offset = 2166136261;
        private const uint Prime = 16777619;

        public static uint Add(uint hash, ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
            {
                hash ^= b;
                hash = unchecked(hash * Prime);
            }
            return hash;
        }
    }
}
