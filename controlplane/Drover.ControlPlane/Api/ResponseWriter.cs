using System.Globalization;
using System.Text.Json;
using Drover.Api;

namespace Drover.ControlPlane.Api;

/// <summary>Writes API objects straight into the response pipe: no intermediate strings or arrays.</summary>
public static class ResponseWriter
{
    public static async Task WriteObjectAsync(HttpContext context, int statusCode, ResourceType type, KubeObject value)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        using (var writer = new Utf8JsonWriter(new BlockBufferWriter(context.Response.BodyWriter), ApiJson.WriterOptions))
            type.Serialize(writer, value);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A list (<c>PodList</c>…) streamed item by item, flushed every 32 KiB, so a long list never sits in memory twice.</summary>
    public static async Task WriteListAsync(HttpContext context, ResourceType type, IEnumerable<KubeObject> items, long revision, string? continueToken)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(items);
        var ct = context.RequestAborted;
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        using (var writer = new Utf8JsonWriter(new BlockBufferWriter(context.Response.BodyWriter), ApiJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion"u8, type.ApiVersion);
            writer.WriteString("kind"u8, type.ListKind);
            writer.WriteStartObject("metadata"u8);
            writer.WriteString("resourceVersion"u8, revision.ToString(CultureInfo.InvariantCulture));
            if (continueToken is not null)
                writer.WriteString("continue"u8, continueToken);
            writer.WriteEndObject();
            writer.WriteStartArray("items"u8);
            foreach (var item in items)
            {
                type.Serialize(writer, item);
                if (writer.BytesPending > 32 * 1024)
                {
                    writer.Flush();
                    await context.Response.BodyWriter.FlushAsync(ct).ConfigureAwait(false);
                }
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        await context.Response.BodyWriter.FlushAsync(ct).ConfigureAwait(false);
    }

    public static async Task WriteStatusAsync(HttpContext context, Status status)
    {
        context.Response.StatusCode = status.Code;
        context.Response.ContentType = "application/json";
        using (var writer = new Utf8JsonWriter(new BlockBufferWriter(context.Response.BodyWriter), ApiJson.WriterOptions))
            JsonSerializer.Serialize(writer, status, ApiJsonContext.Default.Status);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task WriteJsonAsync<T>(HttpContext context, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, int statusCode = 200)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        using (var writer = new Utf8JsonWriter(new BlockBufferWriter(context.Response.BodyWriter), ApiJson.WriterOptions))
            JsonSerializer.Serialize(writer, value, typeInfo);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
