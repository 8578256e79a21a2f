using System.Globalization;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.Bench.Chaos;

/// <summary>
/// API writes with a client-side ledger: ConfigMaps created, updated (with their resourceVersion) and deleted at a
/// steady pace, straight to droverd, whatever the faults do. Every write droverd acknowledged is the key's expected
/// state from then on; a write whose answer never came (droverd killed meanwhile, a timeout) may or may not have
/// happened, so both states are allowed for that key, and the key is left alone afterwards. <see cref="VerifyAsync"/>
/// reads them all back: a key in none of its allowed states is an acknowledged write lost.
/// </summary>
internal sealed class WriteLedger(DroverdProcess droverd, Random random)
{
    private const string Namespace = "default";
    private const string Label = "drover.io/chaos-ledger";

    // Per key, the states it may be in (null = absent). One entry while certain; two after an unanswered write.
    private readonly Dictionary<string, List<string?>> _allowed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _resourceVersions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<string> _lost = [];
    private int _next;

    public int AckedCreates { get; private set; }
    public int AckedUpdates { get; private set; }
    public int AckedDeletes { get; private set; }
    public int Unanswered { get; private set; }
    public int Refused { get; private set; }
    public int Verifications { get; private set; }

    /// <summary>Every key found in none of its allowed states, with what was expected and found (each key once).</summary>
    public IReadOnlyList<string> Lost => _lost;

    public int Acknowledged => AckedCreates + AckedUpdates + AckedDeletes;

    /// <summary>Writes every <paramref name="period"/> until cancelled.</summary>
    public async Task RunAsync(TimeSpan period, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, ct).ConfigureAwait(false);
                await _gate.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await WriteOnceAsync().ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    private async Task WriteOnceAsync()
    {
        using var api = droverd.Client(TimeSpan.FromSeconds(5));
        var settled = _allowed.Where(p => p.Value.Count == 1 && p.Value[0] is not null).Select(p => p.Key).ToList();
        var roll = random.Next(10);
        if (roll < 6 || settled.Count < 10)
        {
            var name = "ledger-" + (_next++).ToString(CultureInfo.InvariantCulture);
            var value = random.Next().ToString(CultureInfo.InvariantCulture);
            await WriteAsync(name, value, async () =>
            {
                var created = await api.CreateRawAsync(ResourceTypes.ConfigMaps, Namespace, Body(name, value, null), "application/json").ConfigureAwait(false);
                _resourceVersions[name] = created.Metadata.ResourceVersion!;
                AckedCreates++;
            }).ConfigureAwait(false);
        }
        else if (roll < 9)
        {
            var name = settled[random.Next(settled.Count)];
            var value = random.Next().ToString(CultureInfo.InvariantCulture);
            await WriteAsync(name, value, async () =>
            {
                var bytes = await api.SendRawAsync(HttpMethod.Put, DroverClient.ObjectPath(ResourceTypes.ConfigMaps, Namespace, name), Body(name, value, _resourceVersions[name]), "application/json").ConfigureAwait(false);
                _resourceVersions[name] = ResourceTypes.ConfigMaps.Deserialize(bytes).Metadata.ResourceVersion!;
                AckedUpdates++;
            }).ConfigureAwait(false);
        }
        else
        {
            var name = settled[random.Next(settled.Count)];
            await WriteAsync(name, null, async () =>
            {
                await api.DeleteAsync(ResourceTypes.ConfigMaps, Namespace, name).ConfigureAwait(false);
                _resourceVersions.Remove(name);
                AckedDeletes++;
            }).ConfigureAwait(false);
        }
    }

    /// <summary>Runs one write and books its outcome: acknowledged, refused (an answer: nothing changed) or unanswered.</summary>
    private async Task WriteAsync(string name, string? value, Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
            _allowed[name] = [value];
        }
        catch (ApiClientException e) when ((e.Status.Code is >= 400 and < 600 && e.Status.Code != 503 && e.Status.Code != 504)
            || (e.Status.Code == 0 && e.Message.Contains("Connection refused", StringComparison.Ordinal)))
        {
            // droverd answered no (a conflict after a restart, say), or was down and never saw the request: the write
            // did not happen.
            Refused++;
        }
        catch (Exception e) when (e is ApiClientException or OperationCanceledException or HttpRequestException or IOException)
        {
            // No answer: droverd may have committed it before it died, or not.
            Unanswered++;
            var before = _allowed.TryGetValue(name, out var states) ? states : [null];
            _allowed[name] = [.. before, value];
        }
    }

    /// <summary>
    /// Reads every ledger ConfigMap back (writes paused meanwhile) and books each key found in none of its allowed
    /// states as lost. Returns the number of keys found lost by this check (0 when droverd could not be read).
    /// </summary>
    public async Task<int> VerifyAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var api = droverd.Client(TimeSpan.FromSeconds(30));
            ListPage<ConfigMap> list;
            try
            {
                list = await api.ListAsync(ResourceTypes.ConfigMaps, Namespace, Label + "=true", ct: ct).ConfigureAwait(false);
            }
            catch (ApiClientException)
            {
                return 0;
            }
            Verifications++;
            var found = list.Items.OfType<ConfigMap>().ToDictionary(c => c.Metadata.Name!, c => c.Data?.GetValueOrDefault("value"), StringComparer.Ordinal);
            var lostNow = 0;
            foreach (var (name, allowed) in _allowed)
            {
                var actual = found.TryGetValue(name, out var value) ? value : null;
                if (allowed.Contains(actual))
                    continue;
                var line = $"{name}: expected {string.Join(" or ", allowed.Select(a => a ?? "absent"))}, found {actual ?? "absent"}";
                if (!_lost.Any(l => l.StartsWith(name + ":", StringComparison.Ordinal)))
                {
                    _lost.Add(line);
                    lostNow++;
                }
            }
            return lostNow;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static byte[] Body(string name, string value, string? resourceVersion)
    {
        var rv = resourceVersion is null ? "" : $",\"resourceVersion\":\"{resourceVersion}\"";
        return Encoding.UTF8.GetBytes(
            $"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"{name}\",\"labels\":{{\"{Label}\":\"true\"}}{rv}}},\"data\":{{\"value\":\"{value}\"}}}}");
    }
}
