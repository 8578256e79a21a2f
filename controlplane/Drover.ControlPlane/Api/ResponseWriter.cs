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
        using (var writer = new Utf8JsonWriter(context.Response.BodyWriter, ApiJson.WriterOptions))
            type.Serialize(writer, value);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task WriteStatusAsync(HttpContext context, Status status)
    {
        context.Response.StatusCode = status.Code;
        context.Response.ContentType = "application/json";
        using (var writer = new Utf8JsonWriter(context.Response.BodyWriter, ApiJson.WriterOptions))
            JsonSerializer.Serialize(writer, status, ApiJsonContext.Default.Status);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task WriteJsonAsync<T>(HttpContext context, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        using (var writer = new Utf8JsonWriter(context.Response.BodyWriter, ApiJson.WriterOptions))
            JsonSerializer.Serialize(writer, value, typeInfo);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
