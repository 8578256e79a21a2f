using System.Buffers;
using Drover.Api;
using Drover.Api.Protobuf;

namespace Drover.ControlPlane.Api;

/// <summary>
/// Reads a request body within the size limit and turns YAML into JSON; every body, of every verb and
/// format, leaves here valid UTF-8 and within <see cref="InputLimits"/> (depth, nodes, lengths).
/// </summary>
public static class RequestBody
{
    /// <summary>Kubernetes' limit for a single object (etcd's request size, with headroom).</summary>
    public const long MaxBytes = InputLimits.MaxObjectBytes;

    public enum Format { Json, Yaml, MergePatch, StrategicMergePatch, JsonPatch, ApplyPatch }

    public static async Task<byte[]> ReadJsonAsync(HttpRequest request, bool isPatch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!isPatch && KubernetesProtobuf.IsProtobuf(request.ContentType))
            return await ReadProtobufAsync(request, ct).ConfigureAwait(false);
        var format = FormatOf(request.ContentType, isPatch);
        if (format is Format.JsonPatch or Format.ApplyPatch)
            throw new ApiException(ApiErrors.UnsupportedMediaType(request.ContentType));
        return await ReadAsync(request, format, ct).ConfigureAwait(false);
    }

    /// <summary>A JSON body if there is one (DELETE's DeleteOptions), null for none; within the same limits.</summary>
    public static async Task<byte[]?> ReadOptionalJsonAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any(t => t?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)))
            return null;
        return await ReadAsync(request, Format.Json, ct).ConfigureAwait(false);
    }

    /// <summary>A PATCH body and its kind: merge (RFC 7386), strategic merge or JSON patch (RFC 6902), by Content-Type.</summary>
    public static async Task<(byte[] Json, Format Format)> ReadPatchAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var format = FormatOf(request.ContentType, isPatch: true);
        return (await ReadAsync(request, format, ct).ConfigureAwait(false), format);
    }

    /// <summary>
    /// A protobuf body (what kubectl's typed clients send for built-in kinds, e.g. <c>kubectl create deployment</c>) as the
    /// JSON of the same object; a kind the protobuf table does not know is a 415 naming it.
    /// </summary>
    private static async Task<byte[]> ReadProtobufAsync(HttpRequest request, CancellationToken ct)
    {
        var bytes = await ReadBytesAsync(request, ct).ConfigureAwait(false);
        try
        {
            var json = KubernetesProtobuf.ToJson(bytes, out var apiVersion, out var kind)
                ?? throw new ApiException(ApiErrors.UnsupportedProtobufKind(kind, apiVersion));
            JsonInput.Check(json);
            return json;
        }
        catch (ManifestException e)
        {
            throw new ApiException(Refusal(e));
        }
    }

    private static async Task<byte[]> ReadAsync(HttpRequest request, Format format, CancellationToken ct)
    {
        var bytes = await ReadBytesAsync(request, ct).ConfigureAwait(false);
        try
        {
            if (format is not (Format.Yaml or Format.ApplyPatch))
            {
                JsonInput.Check(bytes);
                return bytes;
            }
            if (JsonInput.FirstInvalidUtf8(bytes) is var bad and >= 0)
                throw new ManifestException($"the body is not valid UTF-8 (first bad byte at offset {bad})");
            return YamlToJson.ConvertSingle(System.Text.Encoding.UTF8.GetString(bytes));
        }
        catch (ManifestException e)
        {
            throw new ApiException(Refusal(e));
        }
    }

    /// <summary>413 for a body too large (also once YAML aliases are expanded), else 400/422 naming the limit or field.</summary>
    public static Status Refusal(ManifestException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.TooLarge
            ? new Status { Outcome = "Failure", Code = 413, Reason = "RequestEntityTooLarge", Message = e.Message }
            : ApiErrors.InvalidManifest(e);
    }

    private static Format FormatOf(string? contentType, bool isPatch)
    {
        var mediaType = contentType is null ? "" : contentType.Split(';')[0].Trim().ToLowerInvariant();
        return mediaType switch
        {
            "" or "application/json" => isPatch ? Format.MergePatch : Format.Json,
            "application/yaml" or "application/x-yaml" or "text/yaml" when !isPatch => Format.Yaml,
            "application/merge-patch+json" when isPatch => Format.MergePatch,
            "application/strategic-merge-patch+json" when isPatch => Format.StrategicMergePatch,
            "application/json-patch+json" when isPatch => Format.JsonPatch,
            // Server-side apply: YAML (JSON is YAML), read like a YAML body.
            "application/apply-patch+yaml" when isPatch => Format.ApplyPatch,
            _ => throw new ApiException(ApiErrors.UnsupportedMediaType(contentType)),
        };
    }

    /// <summary>The body's bytes as sent, within <see cref="MaxBytes"/>; for formats other than JSON and YAML (protobuf).</summary>
    public static async Task<byte[]> ReadBytesAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes)
            throw new ApiException(ApiErrors.TooLarge(MaxBytes));
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, MaxBytes) + 1);
        var body = request.Body;
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            var read = await body.ReadAsync(memory, ct).ConfigureAwait(false);
            if (read == 0)
                break;
            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBytes)
                throw new ApiException(ApiErrors.TooLarge(MaxBytes));
        }
        if (buffer.WrittenCount == 0)
            throw new ApiException(ApiErrors.BadRequest("the request needs a body"));
        return buffer.WrittenSpan.ToArray();
    }
}
