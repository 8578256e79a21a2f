using System.Globalization;
using System.Text.Json;
using Drover.Api;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Api;

public sealed partial class ResourceEndpoints
{
    private const int InitialFlushBytes = 64 * 1024;

    /// <summary>
    /// WATCH: newline-delimited {"type","object"} events. Without a resourceVersion (or "0") the current
    /// objects come first as ADDED, as Kubernetes does. A revision older than the compacted one is 410
    /// Gone. Selectors are applied to old and new state, so an object leaving the selection is DELETED.
    /// </summary>
    public async Task WatchAsync(HttpContext context, ApiPath path)
    {
        var ct = context.RequestAborted;
        var query = context.Request.Query;
        var labels = ParseLabelSelector(QueryParameters.Single(query, "labelSelector"));
        var fieldText = QueryParameters.Single(query, "fieldSelector");
        var fields = FieldSelector.Parse(path.Type, fieldText);
        if (path.Name is not null)
            fields = FieldSelector.Parse(path.Type, $"metadata.name={path.Name}" + (string.IsNullOrEmpty(fieldText) ? "" : "," + fieldText));
        var bookmarks = QueryParameters.Bool(query, "allowWatchBookmarks");
        var timeout = QueryParameters.NonNegative(query, "timeoutSeconds", InputLimits.MaxTimeoutSeconds) is { } seconds
            ? TimeSpan.FromSeconds(seconds)
            : Timeout.InfiniteTimeSpan;
        var fromRevision = QueryParameters.ResourceVersion(query) ?? 0;
        var table = TableOutput.FromRequest(context.Request);

        if (fromRevision != 0 && fromRevision < _registry.CompactedRevision)
            throw new ApiException(ApiErrors.Gone(fromRevision, _registry.CompactedRevision));

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutSource.CancelAfter(timeout);
        var token = timeoutSource.Token;

        // Listed undecoded (no predicate) and decoded one at a time while streaming, each let go once written: a
        // thousand watches starting at once on a large collection held every object decoded, each, before the first
        // byte went out (4.9 GB with 1,000 watches of 200 ConfigMaps; docs/BENCHMARKS.md, "Memory that comes back").
        StoredObject[] initial = [];
        if (fromRevision == 0)
        {
            var list = await _registry.ListAsync(path.Type, path.Namespace, null, 0, null, share: false, token).ConfigureAwait(false);
            fromRevision = list.Revision;
            initial = [.. list.Items];
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = table is null ? "application/json" : TableOutput.ContentType;
        await context.Response.StartAsync(token).ConfigureAwait(false);
        var output = context.Response.BodyWriter;
        using var writer = new Utf8JsonWriter(new BlockBufferWriter(output), ApiJson.WriterOptions);
        var lastRevision = fromRevision;

        try
        {
            for (var i = 0; i < initial.Length; i++)
            {
                var obj = initial[i].Object;
                initial[i] = default;
                if (labels.Matches(obj.Metadata.Labels) && fields.Matches(obj))
                    WriteEvent(writer, WatchEventTypes.Added, path.Type, obj, table);
                // Flushed as it goes, so a client that reads slowly holds back the writing instead of the whole
                // list piling up in the response's buffer.
                if (output.CanGetUnflushedBytes && output.UnflushedBytes >= InitialFlushBytes)
                    await FlushAsync(writer, output, token).ConfigureAwait(false);
            }
            initial = [];
            await FlushAsync(writer, output, token).ConfigureAwait(false);

            // The event stream has a token of its own: it is stopped, and its pending MoveNextAsync awaited, before it
            // is disposed. An async iterator disposed while a MoveNextAsync is in flight throws NotSupportedException,
            // which a client leaving during the bookmark wait turned into a 500.
            using var stopEvents = CancellationTokenSource.CreateLinkedTokenSource(token);
            await using var events = _registry.WatchAsync(path.Type, path.Namespace, fromRevision, stopEvents.Token).GetAsyncEnumerator(stopEvents.Token);
            var next = events.MoveNextAsync().AsTask();
            try
            {
                while (true)
                {
                    if (bookmarks && !next.IsCompleted)
                    {
                        var winner = await Task.WhenAny(next, Task.Delay(_options.BookmarkInterval, token)).ConfigureAwait(false);
                        if (winner != next)
                        {
                            // Only revisions this stream has fully delivered are safe to resume from.
                            WriteBookmark(writer, path.Type, lastRevision);
                            await FlushAsync(writer, output, token).ConfigureAwait(false);
                            continue;
                        }
                    }
                    if (!await next.ConfigureAwait(false))
                        break;
                    var ev = events.Current;
                    lastRevision = ev.Revision;
                    Translate(writer, ev, labels, fields, table is null ? null : new TableEvents(table, path.Type, _time.GetUtcNow()));
                    await FlushAsync(writer, output, token).ConfigureAwait(false);
                    next = events.MoveNextAsync().AsTask();
                }
            }
            finally
            {
                await stopEvents.CancelAsync().ConfigureAwait(false);
                await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        catch (OperationCanceledException)
        {
            // Client gone or timeoutSeconds reached: the stream just ends, as in Kubernetes.
        }
        catch (ApiException e) when (e.Status.Code == 410)
        {
            // Compacted away, or this watcher fell too far behind the writers: the client lists again.
            WriteError(writer, e.Status);
            await FlushAsync(writer, output, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Watch events as one-row Tables (kubectl get -w): the table asked for, the kind, the time ages are counted to.</summary>
    private sealed record TableEvents(TableOutput Table, ResourceType Type, DateTimeOffset Now);

    private static void Translate(Utf8JsonWriter writer, ObjectEvent ev, Selector labels, FieldSelector fields, TableEvents? table)
    {
        var current = ev.Current;
        var filtered = !labels.IsEmpty || !fields.IsEmpty;
        bool Matches(KubeObject o) => !filtered || (labels.Matches(o.Metadata.Labels) && fields.Matches(o));

        if (ev.Type == ObjectEventType.Deleted)
        {
            if (Matches(current.Object))
                WriteEvent(writer, WatchEventTypes.Deleted, current, table);
            return;
        }
        var nowMatches = Matches(current.Object);
        if (ev.Previous is null)
        {
            if (nowMatches)
                WriteEvent(writer, WatchEventTypes.Added, current, table);
            return;
        }
        var wasMatching = !filtered || Matches(ev.Previous.Value.Object);
        if (nowMatches)
            WriteEvent(writer, wasMatching ? WatchEventTypes.Modified : WatchEventTypes.Added, current, table);
        else if (wasMatching)
            WriteEvent(writer, WatchEventTypes.Deleted, current, table);
    }

    private static void WriteEvent(Utf8JsonWriter writer, string eventType, StoredObject current, TableEvents? table)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, eventType);
        writer.WritePropertyName("object"u8);
        if (table is null)
            writer.WriteRawValue(current.Json, skipInputValidation: true);
        else
            table.Table.WriteSingle(writer, table.Type, current.Object, table.Now);
        writer.WriteEndObject();
        writer.Flush();
        writer.Reset();
        WriteNewline(writer);
    }

    private void WriteEvent(Utf8JsonWriter writer, string eventType, ResourceType type, KubeObject obj, TableOutput? table)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, eventType);
        writer.WritePropertyName("object"u8);
        if (table is null)
            type.Serialize(writer, obj);
        else
            table.WriteSingle(writer, type, obj, _time.GetUtcNow());
        writer.WriteEndObject();
        writer.Flush();
        writer.Reset();
        WriteNewline(writer);
    }

    private static void WriteBookmark(Utf8JsonWriter writer, ResourceType type, long revision)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, WatchEventTypes.Bookmark);
        writer.WriteStartObject("object"u8);
        writer.WriteString("apiVersion"u8, type.ApiVersion);
        writer.WriteString("kind"u8, type.Kind);
        writer.WriteStartObject("metadata"u8);
        writer.WriteString("resourceVersion"u8, revision.ToString(CultureInfo.InvariantCulture));
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        writer.Reset();
        WriteNewline(writer);
    }

    private static void WriteError(Utf8JsonWriter writer, Status status)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, WatchEventTypes.Error);
        writer.WritePropertyName("object"u8);
        JsonSerializer.Serialize(writer, status, ApiJsonContext.Default.Status);
        writer.WriteEndObject();
        writer.Flush();
        writer.Reset();
        WriteNewline(writer);
    }

    private static void WriteNewline(Utf8JsonWriter writer)
    {
        // Utf8JsonWriter cannot write a bare newline between top-level values; a raw write of "\n" is
        // the framing Kubernetes' watch uses.
        writer.WriteRawValue("\n"u8, skipInputValidation: true);
        writer.Flush();
        writer.Reset();
    }

    private static async Task FlushAsync(Utf8JsonWriter writer, System.IO.Pipelines.PipeWriter output, CancellationToken ct)
    {
        writer.Flush();
        writer.Reset();
        await output.FlushAsync(ct).ConfigureAwait(false);
    }
}
