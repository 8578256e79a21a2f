using System.Collections.Concurrent;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.ControlPlane.Leadership.Tests;

/// <summary>
/// A reflector over ConfigMaps through a failing-over client: list, then watch from the list's resourceVersion; when
/// the watch breaks it resumes from the last resourceVersion it saw, and after a 410 it lists again. It records every
/// name it saw appear, and how many times it had to relist.
/// </summary>
internal sealed class LedgerWatcher : IAsyncDisposable
{
    private readonly DroverClient _client;
    private readonly string _prefix;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private int _relists;
    private int _resumes;

    public LedgerWatcher(ClientSettings settings, string prefix)
    {
        _client = new DroverClient(settings, TimeSpan.FromSeconds(10));
        _prefix = prefix;
        _running = Task.Run(RunAsync);
    }

    public ConcurrentDictionary<string, bool> Seen { get; } = new(StringComparer.Ordinal);

    public int Relists => Volatile.Read(ref _relists);

    public int Resumes => Volatile.Read(ref _resumes);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
        _client.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        string? resourceVersion = null;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    var list = await _client.ListAsync(ResourceTypes.ConfigMaps, "default", ct: _stop.Token);
                    foreach (var item in list.Items)
                        Record(item);
                    resourceVersion = list.ResourceVersion;
                    Interlocked.Increment(ref _relists);
                }
                await foreach (var ev in _client.WatchAsync(ResourceTypes.ConfigMaps, "default", resourceVersion, ct: _stop.Token))
                {
                    if (ev.Type == "ERROR")
                    {
                        resourceVersion = ev.Error?.Code == 410 ? null : resourceVersion;
                        break;
                    }
                    if (ev.Object is { } obj)
                        Record(obj);
                    resourceVersion = ev.ResourceVersion ?? resourceVersion;
                }
                Interlocked.Increment(ref _resumes);
            }
            catch (ApiClientException e)
            {
                if (e.Status.Code == 410)
                    resourceVersion = null;
                Interlocked.Increment(ref _resumes);
                await Task.Delay(100);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                // The replica serving the watch died mid-stream: resume from the last resourceVersion elsewhere.
                Interlocked.Increment(ref _resumes);
                await Task.Delay(100);
            }
        }
    }

    private void Record(KubeObject obj)
    {
        if (obj.Metadata.Name is { } name && name.StartsWith(_prefix, StringComparison.Ordinal))
            Seen[name] = true;
    }
}
