using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Drover.Api;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Api;

public sealed partial class ResourceEndpoints
{
    /// <summary>
    /// LIST with labelSelector, fieldSelector and limit/continue. Items stream into the response as they
    /// are read, so 10,000 pods never sit in memory twice.
    /// </summary>
    public async Task ListAsync(HttpContext context, ApiPath path)
    {
        var ct = context.RequestAborted;
        var query = context.Request.Query;
        var labels = ParseLabelSelector(QueryParameters.Single(query, "labelSelector"));
        var fields = FieldSelector.Parse(path.Type, QueryParameters.Single(query, "fieldSelector"));
        var limit = (int)(QueryParameters.NonNegative(query, "limit", int.MaxValue) ?? 0);
        var startAfter = DecodeContinue(path, QueryParameters.Single(query, "continue"));
        // Served from the latest state whatever it names (Kubernetes may serve a list from its cache), but checked.
        QueryParameters.ResourceVersion(query);
        var filtered = !labels.IsEmpty || !fields.IsEmpty;

        var items = new List<KubeObject>();
        long revision = 0;
        string? cursor = startAfter;
        string? continueKey = null;
        // With a selector a page of keys may hold few matches: read bigger pages until this one is full.
        var pageSize = limit <= 0 ? 0 : filtered ? Math.Max(limit, 500) : limit;
        while (true)
        {
            var page = await _objects.ListRawAsync(path.Type, path.Namespace, cursor, pageSize, ct).ConfigureAwait(false);
            if (revision == 0)
                revision = page.Revision;
            var full = false;
            for (var i = 0; i < page.Items.Count && !full; i++)
            {
                var kv = page.Items[i];
                var obj = ObjectStore.Decode(path.Type, kv.Value, kv.ModRevision);
                if (filtered && !(labels.Matches(obj.Metadata.Labels) && fields.Matches(obj)))
                    continue;
                items.Add(obj);
                if (limit > 0 && items.Count == limit)
                {
                    full = true;
                    var more = i < page.Items.Count - 1 || page.ContinueAfterKey is not null;
                    continueKey = more ? kv.Key : null;
                }
            }
            if (full || page.ContinueAfterKey is null)
                break;
            cursor = page.ContinueAfterKey;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        using (var writer = new Utf8JsonWriter(context.Response.BodyWriter, ApiJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion"u8, path.Type.ApiVersion);
            writer.WriteString("kind"u8, path.Type.ListKind);
            writer.WriteStartObject("metadata"u8);
            writer.WriteString("resourceVersion"u8, revision.ToString(CultureInfo.InvariantCulture));
            if (continueKey is not null)
                writer.WriteString("continue"u8, EncodeContinue(continueKey));
            writer.WriteEndObject();
            writer.WriteStartArray("items"u8);
            foreach (var item in items)
            {
                path.Type.Serialize(writer, item);
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

    internal static Selector ParseLabelSelector(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return Selector.Everything;
        try
        {
            return Selector.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ApiException(ApiErrors.BadRequest($"labelSelector: Invalid value: \"{text}\": {e.Message}"));
        }
    }

    private static string EncodeContinue(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    /// <summary>
    /// A continue token is a store key this server handed out for the same collection: strict UTF-8, no control
    /// characters, under the collection's prefix. Anything else (a NUL in it was a 500) is a 400.
    /// </summary>
    private static string? DecodeContinue(ApiPath path, string? token)
    {
        if (string.IsNullOrEmpty(token))
            return null;
        try
        {
            var key = StrictUtf8.GetString(Base64Url.DecodeFromChars(token));
            if (!key.StartsWith(StoreKeys.Prefix(path.Type, path.Namespace), StringComparison.Ordinal) || key.AsSpan().ContainsAnyInRange('\0', '\u001f'))
                throw new FormatException();
            return key;
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw QueryParameters.Bad("continue", token, "not a continue token this server gave for this collection");
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
