using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.Api.PodNetwork;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Network;

/// <summary>
/// Reads the cluster's pod network (ConfigMap kube-system/drover-pod-network) before the node is set up, and keeps a copy
/// under the data dir: a node that ran before starts with it while droverd is away, as it does with its podCIDR. A
/// droverd that publishes none (older than this, or a ConfigMap deleted) means backend none: no routes are made.
/// </summary>
internal sealed partial class PodNetworkSettingsSource
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly DroverClient _api;
    private readonly string _cachePath;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PodNetworkSettingsSource(DroverClient api, string dataDirectory, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _api = api;
        _cachePath = Path.Combine(dataDirectory, "pod-network", "settings");
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The settings from droverd; while droverd is unreachable, the last ones kept on disk, or (first start) retries until
    /// it answers. A ConfigMap that cannot be read as settings is an <see cref="AgentOptionsException"/>-like refusal: the
    /// agent does not guess a network.
    /// </summary>
    public async Task<PodNetworkSettings> LoadAsync(CancellationToken ct)
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), MaxBackoff);
        while (true)
        {
            TimeSpan delay;
            try
            {
                var configMap = await _api.TryGetAsync(ResourceTypes.ConfigMaps, PodNetworkSettings.ConfigMapNamespace, PodNetworkSettings.ConfigMapName, ct).ConfigureAwait(false);
                if (configMap is null)
                {
                    LogNotPublished(_logger);
                    return Save(None);
                }
                var settings = Parse(configMap.Data);
                return Save(settings);
            }
            catch (ApiClientException e) when (e.Code == 403)
            {
                // A droverd from before the pod network does not let nodes read it: it has none to offer.
                LogNotPublished(_logger);
                return Save(None);
            }
            catch (Exception e) when (IsTransient(e) && !ct.IsCancellationRequested)
            {
                if (Load() is { } cached)
                {
                    LogFromCache(_logger, e.Message, _cachePath);
                    return cached;
                }
                delay = backoff.Next();
                LogRetry(_logger, e.Message, delay);
            }
            await Task.Delay(delay, _time, ct).ConfigureAwait(false);
        }
    }

    private static PodNetworkSettings None => new() { Backend = PodNetworkBackend.None, ClusterCidr = Ipv4Cidr.Parse("10.42.0.0/16") };

    private static PodNetworkSettings Parse(IReadOnlyDictionary<string, string>? data)
    {
        try
        {
            return PodNetworkSettings.FromData(data);
        }
        catch (FormatException e)
        {
            throw new PodNetworkException($"ConfigMap {PodNetworkSettings.ConfigMapNamespace}/{PodNetworkSettings.ConfigMapName}: {e.Message}", e);
        }
    }

    private PodNetworkSettings Save(PodNetworkSettings settings)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in settings.ToData().OrderBy(kv => kv.Key, StringComparer.Ordinal))
            text.Append(key).Append('=').Append(value).Append('\n');
        SecretFile.Write(_cachePath, text.ToString());
        return settings;
    }

    private PodNetworkSettings? Load()
    {
        try
        {
            if (!File.Exists(_cachePath) || new FileInfo(_cachePath).Length > 4096)
                return null;
            var data = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in File.ReadAllLines(_cachePath))
            {
                var equals = line.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                    data[line[..equals]] = line[(equals + 1)..];
            }
            return PodNetworkSettings.FromData(data);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static bool IsTransient(Exception e) => e switch
    {
        ApiClientException api => api.Code is 0 or 429 or >= 500,
        HttpRequestException or TaskCanceledException or IOException => true,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "droverd publishes no pod network (ConfigMap kube-system/drover-pod-network): backend none, no routes to other nodes")]
    private static partial void LogNotPublished(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "droverd is unreachable ({Error}); the pod network as kept in {Path} from the last run")]
    private static partial void LogFromCache(ILogger logger, string error, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cannot read the cluster's pod network yet ({Error}); retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, string error, TimeSpan delay);
}
