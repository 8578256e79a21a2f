namespace Drover.Api.Client;

/// <summary>
/// client-go's reflector, the one list+watch loop of the clients (the agent's pods, the ingress's informers): list,
/// then watch from the list's revision with bookmarks, resuming a stream that ends from the last revision seen (a
/// BOOKMARK moves it too); an ERROR event (410 Gone after compaction) lists again at once; a failure lists again
/// after a jittered <see cref="Backoff"/>, reset by the next list that succeeds.
/// </summary>
public sealed class Reflector<T>
    where T : KubeObject
{
    private readonly DroverClient _client;
    private readonly ResourceType<T> _type;
    private readonly IReflectorHandler<T> _handler;
    private readonly ReflectorOptions<T> _options;

    public Reflector(DroverClient client, ResourceType<T> type, IReflectorHandler<T> handler, ReflectorOptions<T>? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(handler);
        _client = client;
        _type = type;
        _handler = handler;
        _options = options ?? new ReflectorOptions<T>();
    }

    public ResourceType<T> Type => _type;

    /// <summary>Lists and watches until <paramref name="ct"/> is cancelled (then returns, never throws for it).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var backoff = new Backoff(_options.BackoffInitial, _options.BackoffMax, random: _options.Random);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var page = _options.List is { } list
                    ? await list(ct).ConfigureAwait(false)
                    : await _client.ListAsync(_type, _options.Namespace, _options.LabelSelector, _options.FieldSelector, ct: ct).ConfigureAwait(false);
                await _handler.ListedAsync(page, ct).ConfigureAwait(false);
                backoff.Reset();
                await WatchAsync(page.ResourceVersion, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var delay = backoff.Next();
                _handler.Failed(e, delay);
                try
                {
                    await (_options.Wait is { } wait ? wait(delay, ct) : Task.Delay(delay, _options.Time, ct)).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Returns when the watch must be replaced by a fresh list (ERROR event).</summary>
    private async Task WatchAsync(string? resourceVersion, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await foreach (var ev in _client.WatchAsync(_type, _options.Namespace, resourceVersion, _options.LabelSelector, _options.FieldSelector, bookmarks: true, ct: ct).ConfigureAwait(false))
            {
                switch (ev.Type)
                {
                    case WatchEventTypes.Added or WatchEventTypes.Modified or WatchEventTypes.Deleted when ev.Object is T obj:
                        _handler.Changed(ev.Type, obj);
                        break;
                    case WatchEventTypes.Error:
                        _handler.WatchError(ev.Error);
                        return;
                }
                resourceVersion = ev.ResourceVersion ?? resourceVersion;
            }
        }
    }
}
