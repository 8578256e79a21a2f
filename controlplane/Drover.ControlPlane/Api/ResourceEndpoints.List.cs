using System.Globalization;
using System.Text.Json;
using Drover.Api;
using Drover.ControlPlane.Registry;

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
        var continueToken = QueryParameters.Single(query, "continue") ?? "";
        // Served from the latest state whatever it names (Kubernetes may serve a list from its cache), but checked.
        QueryParameters.ResourceVersion(query);
        var filtered = !labels.IsEmpty || !fields.IsEmpty;
        var table = TableOutput.FromRequest(context.Request);

        var page = await _registry.ListAsync(path.Type, path.Namespace, filtered ? o => labels.Matches(o.Metadata.Labels) && fields.Matches(o) : null,
            limit, continueToken, share: false, ct).ConfigureAwait(false);

        if (table is null)
        {
            await ResponseWriter.WriteListAsync(context, path.Type, page.Items.Select(i => i.Object), page.Revision, page.Continue).ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = TableOutput.ContentType;
        using var writer = new Utf8JsonWriter(new BlockBufferWriter(context.Response.BodyWriter), ApiJson.WriterOptions);
        await WriteTableAsync(context, writer, path.Type, page, table).ConfigureAwait(false);
    }

    private async Task WriteTableAsync(HttpContext context, Utf8JsonWriter writer, ResourceType type, ObjectListPage page, TableOutput table)
    {
        var now = _time.GetUtcNow();
        TableOutput.WriteStart(writer, type, page.Revision.ToString(CultureInfo.InvariantCulture), page.Continue);
        foreach (var item in page.Items)
        {
            table.WriteRow(writer, type, item.Object, now);
            if (writer.BytesPending > 32 * 1024)
            {
                writer.Flush();
                await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        TableOutput.WriteEnd(writer);
        writer.Flush();
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
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
}
