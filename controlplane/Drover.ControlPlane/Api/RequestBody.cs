using System.Buffers;
using Drover.Api;

namespace Drover.ControlPlane.Api;

/// <summary>
/// Reads a request body within the size limit and turns YAML into JSON; every body, of every verb and
/// format, leaves here valid UTF-8 and within <see cref="InputLimits"/> (depth, nodes, lengths).
/// </summary>
public static class RequestBody
{
    /// <summary>Kubernetes' limit for a single object (etcd's request size, with headroom).</summary>
    public const long MaxBytes = InputLimits.MaxObjectBytes;

    public enum Format { Json, Yaml, MergePatch }

    public static async Task<byte[]> ReadJsonAsync(HttpRequest request, bool isPatch, CancellationToken ct)
    {
        var format = FormatOf(request.ContentType, isPatch);
        var bytes = await ReadAsync(request, ct).ConfigureAwait(false);
        try
        {
            if (format != Format.Yaml)
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
            // Drover has no strategic-merge schema; for the kinds it serves a merge patch is what users
            // send in practice, and lists are replaced wholesale as RFC 7386 says.
            "application/merge-patch+json" or "application/strategic-merge-patch+json" when isPatch => Format.MergePatch,
            _ => throw new ApiException(ApiErrors.UnsupportedMediaType(contentType)),
        };
    }

    private static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken ct)
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
