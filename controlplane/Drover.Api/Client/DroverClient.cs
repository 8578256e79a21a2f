using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Drover.Api.Client;

/// <summary>
/// The typed HTTP client for droverd's Kubernetes-shaped API, shared by the CLI, the agent, the ingress
/// and the tests. It trusts only the cluster CA from the client config (no system roots). With several servers
/// (droverd replicas) it sticks to one and moves to the next when that one cannot be reached: reads and watches
/// always, writes only when the connection was never made (a write that may have reached a replica is reported as
/// failed rather than sent twice).
/// </summary>
public sealed class DroverClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly IReadOnlyList<Uri> _servers;
    private int _current;
    private volatile AuthenticationHeaderValue _authorization;
    private volatile ClientSettings _settings;

    public DroverClient(ClientSettings settings, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        var trusted = settings.CaCertificates();
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            // Past the server's stream limit (Kestrel: 100 per connection) open another connection rather than queue.
            EnableMultipleHttp2Connections = true,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => CaTrust.Validate(certificate, errors, trusted),
            },
        };
        _servers = settings.Servers;
        // A list of 10,000 pods is ~40 MB; the bound keeps a runaway answer from taking the client's memory.
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = InputLimits.MaxResponseBytes };
        // As client-go's: the API server records a write's field manager (managedFields) as the part before '/'.
        _http.DefaultRequestHeaders.UserAgent.TryParseAdd(UserAgent);
        _authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        RequestTimeout = timeout ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>"drover/v0.1.0 (linux/x64)", "drover-agent/…": the program's name first (its assembly's: under `dotnet drover.dll` too).</summary>
    public static string UserAgent { get; } =
        $"{System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? Path.GetFileNameWithoutExtension(Environment.ProcessPath) ?? "drover"}/v{typeof(DroverClient).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"} "
        + $"({(OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "windows" : "other")}/{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()})";

    public ClientSettings Settings { get => _settings; private set => _settings = value; }
    public TimeSpan RequestTimeout { get; }

    /// <summary>The replica requests go to now.</summary>
    public Uri CurrentServer => _servers[Volatile.Read(ref _current)];

    /// <summary>
    /// Sends <paramref name="token"/> from the next request on (a renewed node credential): requests already sent and
    /// watches already open keep the one they started with, which the server honours during its overlap window.
    /// </summary>
    public void UseToken(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        _authorization = new AuthenticationHeaderValue("Bearer", token);
        Settings = Settings with { Token = token };
    }

    public static string CollectionPath(ResourceType type, string? ns)
    {
        ArgumentNullException.ThrowIfNull(type);
        var prefix = type.Group.Length == 0 ? $"/api/{type.Version}" : $"/apis/{type.Group}/{type.Version}";
        return type.Namespaced && !string.IsNullOrEmpty(ns) ? $"{prefix}/namespaces/{ns}/{type.Plural}" : $"{prefix}/{type.Plural}";
    }

    public static string ObjectPath(ResourceType type, string? ns, string name) =>
        $"{CollectionPath(type, ns)}/{Uri.EscapeDataString(name)}";

    public async Task<KubeObject> GetAsync(ResourceType type, string? ns, string name, CancellationToken ct = default)
    {
        var bytes = await SendAsync(HttpMethod.Get, ObjectPath(type, ns, name), null, null, ct).ConfigureAwait(false);
        return type.Deserialize(bytes);
    }

    public async Task<KubeObject?> TryGetAsync(ResourceType type, string? ns, string name, CancellationToken ct = default)
    {
        try
        {
            return await GetAsync(type, ns, name, ct).ConfigureAwait(false);
        }
        catch (ApiClientException e) when (e.Code == 404)
        {
            return null;
        }
    }

    public async Task<ListPage> ListAsync(ResourceType type, string? ns, string? labelSelector = null, string? fieldSelector = null, int limit = 0, string? continueToken = null, CancellationToken ct = default)
    {
        var query = Query(("labelSelector", labelSelector), ("fieldSelector", fieldSelector), ("limit", limit > 0 ? limit.ToString(System.Globalization.CultureInfo.InvariantCulture) : null), ("continue", continueToken));
        var bytes = await SendAsync(HttpMethod.Get, CollectionPath(type, ns) + query, null, null, ct).ConfigureAwait(false);
        var (items, meta) = type.DeserializeList(bytes);
        return new ListPage(items, meta.ResourceVersion, meta.Continue);
    }

    /// <summary>The typed GET: <c>await client.GetAsync(ResourceTypes.Nodes, null, name)</c> is a Node, no cast.</summary>
    public async Task<T> GetAsync<T>(ResourceType<T> type, string? ns, string name, CancellationToken ct = default)
        where T : KubeObject =>
        (T)await GetAsync((ResourceType)type, ns, name, ct).ConfigureAwait(false);

    public async Task<T?> TryGetAsync<T>(ResourceType<T> type, string? ns, string name, CancellationToken ct = default)
        where T : KubeObject =>
        (T?)await TryGetAsync((ResourceType)type, ns, name, ct).ConfigureAwait(false);

    /// <summary>The typed list: the page's items are <typeparamref name="T"/>.</summary>
    public async Task<ListPage<T>> ListAsync<T>(ResourceType<T> type, string? ns, string? labelSelector = null, string? fieldSelector = null, int limit = 0, string? continueToken = null, CancellationToken ct = default)
        where T : KubeObject
    {
        var page = await ListAsync((ResourceType)type, ns, labelSelector, fieldSelector, limit, continueToken, ct).ConfigureAwait(false);
        return new ListPage<T>([.. page.Items.Cast<T>()], page.ResourceVersion, page.Continue);
    }

    public async Task<T> CreateAsync<T>(ResourceType<T> type, T obj, CancellationToken ct = default)
        where T : KubeObject =>
        (T)await CreateAsync((ResourceType)type, obj, ct).ConfigureAwait(false);

    public async Task<T> UpdateAsync<T>(ResourceType<T> type, T obj, string? subresource = null, CancellationToken ct = default)
        where T : KubeObject =>
        (T)await UpdateAsync((ResourceType)type, obj, subresource, ct).ConfigureAwait(false);

    public async Task<T> PatchAsync<T>(ResourceType<T> type, string? ns, string name, string mergePatchJson, string? subresource = null, CancellationToken ct = default)
        where T : KubeObject =>
        (T)await PatchAsync((ResourceType)type, ns, name, mergePatchJson, subresource, ct).ConfigureAwait(false);

    public async Task<KubeObject> CreateAsync(ResourceType type, KubeObject obj, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var bytes = await SendAsync(HttpMethod.Post, CollectionPath(type, obj.Metadata.Namespace), type.SerializeToUtf8Bytes(obj), "application/json", ct).ConfigureAwait(false);
        return type.Deserialize(bytes);
    }

    /// <summary>Creates from raw JSON or YAML (the server decodes and validates it).</summary>
    public async Task<KubeObject> CreateRawAsync(ResourceType type, string? ns, byte[] body, string contentType, CancellationToken ct = default)
    {
        var bytes = await SendAsync(HttpMethod.Post, CollectionPath(type, ns), body, contentType, ct).ConfigureAwait(false);
        return type.Deserialize(bytes);
    }

    public async Task<KubeObject> UpdateAsync(ResourceType type, KubeObject obj, string? subresource = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var path = ObjectPath(type, obj.Metadata.Namespace, obj.Metadata.Name!) + (subresource is null ? "" : "/" + subresource);
        var bytes = await SendAsync(HttpMethod.Put, path, type.SerializeToUtf8Bytes(obj), "application/json", ct).ConfigureAwait(false);
        return type.Deserialize(bytes);
    }

    public async Task<KubeObject> PatchAsync(ResourceType type, string? ns, string name, string mergePatchJson, string? subresource = null, CancellationToken ct = default)
    {
        var path = ObjectPath(type, ns, name) + (subresource is null ? "" : "/" + subresource);
        var bytes = await SendAsync(HttpMethod.Patch, path, Encoding.UTF8.GetBytes(mergePatchJson), "application/merge-patch+json", ct).ConfigureAwait(false);
        return type.Deserialize(bytes);
    }

    /// <summary>GET …/scale: the autoscaling/v1 Scale view of a Deployment or ReplicaSet.</summary>
    public async Task<Scale> GetScaleAsync(ResourceType type, string? ns, string name, CancellationToken ct = default)
    {
        var bytes = await SendAsync(HttpMethod.Get, ObjectPath(type, ns, name) + "/scale", null, null, ct).ConfigureAwait(false);
        return DeserializeScale(bytes);
    }

    /// <summary>PUT …/scale: a Scale carrying a resourceVersion is a precondition (409 when stale).</summary>
    public async Task<Scale> UpdateScaleAsync(ResourceType type, Scale scale, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scale);
        var body = JsonSerializer.SerializeToUtf8Bytes(scale, ApiJsonContext.Default.Scale);
        var bytes = await SendAsync(HttpMethod.Put, ObjectPath(type, scale.Metadata.Namespace, scale.Metadata.Name!) + "/scale", body, "application/json", ct).ConfigureAwait(false);
        return DeserializeScale(bytes);
    }

    /// <summary>PATCH …/scale with a merge patch setting spec.replicas: the unconditional scale.</summary>
    public async Task<Scale> PatchScaleAsync(ResourceType type, string? ns, string name, int replicas, CancellationToken ct = default)
    {
        var patch = Encoding.UTF8.GetBytes("{\"spec\":{\"replicas\":" + replicas.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}");
        var bytes = await SendAsync(HttpMethod.Patch, ObjectPath(type, ns, name) + "/scale", patch, "application/merge-patch+json", ct).ConfigureAwait(false);
        return DeserializeScale(bytes);
    }

    private static Scale DeserializeScale(byte[] bytes) =>
        JsonSerializer.Deserialize(bytes, ApiJsonContext.Default.Scale) ?? throw new JsonException("the scale is null");

    public async Task<KubeObject> DeleteAsync(ResourceType type, string? ns, string name, string? propagationPolicy = null, long? gracePeriodSeconds = null, CancellationToken ct = default)
    {
        var query = Query(("propagationPolicy", propagationPolicy), ("gracePeriodSeconds", gracePeriodSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var bytes = await SendAsync(HttpMethod.Delete, ObjectPath(type, ns, name) + query, null, null, ct).ConfigureAwait(false);
        return type.Deserialize(bytes);
    }

    /// <summary>GET of any path (e.g. /version, /metrics, a /scale subresource) as raw bytes.</summary>
    public Task<byte[]> GetRawAsync(string path, CancellationToken ct = default) => SendAsync(HttpMethod.Get, path, null, null, ct);

    public Task<byte[]> SendRawAsync(HttpMethod method, string path, byte[]? body, string? contentType, CancellationToken ct = default) =>
        SendAsync(method, path, body, contentType, ct);

    /// <summary>
    /// GET of a path whose body is read as it arrives (a followed log): the request timeout covers the
    /// answer's status and headers only. Errors are thrown as for every call; dispose the stream when done.
    /// </summary>
    public async Task<Stream> GetStreamAsync(string path, CancellationToken ct = default)
    {
        HttpResponseMessage response;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(RequestTimeout);
            response = await SendCoreAsync(() => new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }

        try
        {
            await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
            return await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a WebSocket on <paramref name="path"/> (pods/exec, pods/attach) with <paramref name="subprotocol"/>, through the
    /// same TLS trust and token as every request (HTTP/1.1: a WebSocket upgrade). A refusal before the upgrade is an
    /// <see cref="ApiClientException"/> with the HTTP status; the caller checks what it can first to give a better message.
    /// </summary>
    public async Task<WebSocket> OpenWebSocketAsync(string path, string subprotocol, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(subprotocol);
        socket.Options.SetRequestHeader("Authorization", _authorization.ToString());
        socket.Options.CollectHttpResponseDetails = true;
        var server = CurrentServer;
        var uri = new UriBuilder(new Uri(server, path)) { Scheme = server.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            await socket.ConnectAsync(uri, _http, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch (WebSocketException e)
        {
            var code = (int)socket.HttpStatusCode;
            socket.Dispose();
            throw UpgradeFailed(server, code, e.Message);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Why a WebSocket or SPDY upgrade failed, one wording for both: no answer at all (<paramref name="code"/> 0:
    /// "cannot reach droverd", with the transport's <paramref name="error"/>), or an answer that was neither an error
    /// Status nor 101 Switching Protocols.
    /// </summary>
    private static ApiClientException UpgradeFailed(Uri server, int code, string error) => new(new Status
    {
        Code = code,
        Reason = code == 0 ? "ServiceUnavailable" : ((HttpStatusCode)code).ToString(),
        Message = code == 0 ? $"cannot reach droverd at {server}: {error}" : $"unable to upgrade connection: HTTP {code} ({(HttpStatusCode)code})",
    });

    /// <summary>
    /// Upgrades a request on <paramref name="path"/> to <paramref name="upgrade"/> (SPDY/3.1 for pods/exec, as kubectl's
    /// fallback) over HTTP/1.1, with the same TLS trust and token as every request, offering
    /// <paramref name="protocols"/> as X-Stream-Protocol-Version. A refusal is an <see cref="ApiClientException"/> with
    /// droverd's Status (a missing pod, a node that cannot be reached…).
    /// </summary>
    public async Task<UpgradedConnection> OpenUpgradeAsync(HttpMethod method, string path, string upgrade, IReadOnlyList<string> protocols, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(protocols);
        var server = CurrentServer;
        using var request = new HttpRequestMessage(method, new Uri(server, path))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Authorization = _authorization;
        request.Headers.Connection.Add("Upgrade");
        request.Headers.TryAddWithoutValidation("Upgrade", upgrade);
        foreach (var protocol in protocols)
            request.Headers.TryAddWithoutValidation("X-Stream-Protocol-Version", protocol);
        HttpResponseMessage response;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(RequestTimeout);
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw UpgradeFailed(server, 0, e.Message);
            }
        }

        try
        {
            if (response.StatusCode != HttpStatusCode.SwitchingProtocols)
            {
                await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
                throw UpgradeFailed(server, (int)response.StatusCode, error: "");
            }
            var chosen = response.Headers.TryGetValues("X-Stream-Protocol-Version", out var values) ? values.FirstOrDefault() : null;
            var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return new UpgradedConnection(response, stream, chosen);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The path of a pod's log, with its query (kubectl's parameters).</summary>
    public static string PodLogPath(string ns, string pod, string? container = null, bool follow = false, long? tailLines = null, bool timestamps = false, bool previous = false,
        long? sinceSeconds = null, DateTimeOffset? sinceTime = null, long? limitBytes = null) =>
        ObjectPath(ResourceTypes.Pods, ns, pod) + "/log" + Query(
            ("container", container),
            ("follow", follow ? "true" : null),
            ("tailLines", tailLines?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("timestamps", timestamps ? "true" : null),
            ("previous", previous ? "true" : null),
            ("sinceSeconds", sinceSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            // metav1.Time's wire form: RFC 3339 in UTC, whole seconds.
            ("sinceTime", sinceTime is { } time ? Rfc3339.FormatUtc(time) : null),
            ("limitBytes", limitBytes?.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Streams watch events until the server ends the stream or <paramref name="ct"/> is cancelled.</summary>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? ns, string? resourceVersion = null, string? labelSelector = null, string? fieldSelector = null, bool bookmarks = false, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var query = Query(("watch", "1"), ("resourceVersion", resourceVersion), ("labelSelector", labelSelector), ("fieldSelector", fieldSelector), ("allowWatchBookmarks", bookmarks ? "true" : null));
        using var response = await SendCoreAsync(() => new HttpRequestMessage(HttpMethod.Get, CollectionPath(type, ns) + query), HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var reader = new WatchLineReader(stream);
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            var trimmed = line.Span.TrimEnd((byte)'\r');
            if (trimmed.IsEmpty)
                continue;
            yield return ParseEvent(type, trimmed);
        }
    }

    /// <summary>One watch line; a line of another shape is a <see cref="JsonException"/>, never a KeyNotFound or InvalidOperation.</summary>
    internal static WatchEvent ParseEvent(ResourceType type, ReadOnlySpan<byte> line)
    {
        // Invalid UTF-8 would surface later as an InvalidOperationException from GetString (found by bench/fuzz).
        if (JsonInput.FirstInvalidUtf8(line) is var bad and >= 0)
            throw new JsonException($"a watch event is not valid UTF-8 (first bad byte at offset {bad})");
        using var document = JsonDocument.Parse(line.ToArray(), JsonInput.DocumentOptions);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("object", out var objectElement) || objectElement.ValueKind != JsonValueKind.Object)
            throw new JsonException("a watch event must be an object with a string \"type\" and an object \"object\"");
        var eventType = typeElement.GetString() ?? "";
        var bytes = Encoding.UTF8.GetBytes(objectElement.GetRawText());
        switch (eventType)
        {
            case WatchEventTypes.Error:
                return new WatchEvent(eventType, null, JsonSerializer.Deserialize(bytes, ApiJsonContext.Default.Status), null);
            case WatchEventTypes.Bookmark:
                var rv = objectElement.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object
                    && meta.TryGetProperty("resourceVersion", out var rvElement) && rvElement.ValueKind == JsonValueKind.String
                    ? rvElement.GetString()
                    : throw new JsonException("a BOOKMARK event needs object.metadata.resourceVersion");
                return new WatchEvent(eventType, null, null, rv);
            default:
                var obj = type.Deserialize(bytes);
                // An object without metadata decodes with a null one whatever the declaration says (found by bench/fuzz).
                if (obj.Metadata is not { } metadata)
                    throw new JsonException("a watch event's object has no metadata");
                return new WatchEvent(eventType, obj, null, metadata.ResourceVersion);
        }
    }

    private async Task<byte[]> SendAsync(HttpMethod method, string path, byte[]? body, string? contentType, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        HttpRequestMessage Build()
        {
            var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/json");
            }
            return request;
        }
        using var response = await SendCoreAsync(Build, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
        await EnsureSuccessAsync(response, timeout.Token).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendCoreAsync(Func<HttpRequestMessage> build, HttpCompletionOption completion, CancellationToken ct)
    {
        var failures = new List<string>();
        for (var attempt = 0; ; attempt++)
        {
            var index = Volatile.Read(ref _current);
            var server = _servers[index];
            using var request = build();
            request.RequestUri = new Uri(server, request.RequestUri!);
            // HTTP/2 (ALPN; HTTP/1.1 if the server offers only that): a client's concurrent requests and watches share one
            // TLS connection instead of opening one each. With 1,000 nodes over HTTP/1.1 droverd held 2,000+ TLS
            // connections, and a slow answer made every overlapping request pay a new handshake (docs/BENCHMARKS.md).
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
            request.Headers.Authorization = _authorization;
            var safeToRepeat = request.Method == HttpMethod.Get;
            try
            {
                return await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (e.Message.Contains("maximum buffer size", StringComparison.Ordinal))
            {
                throw new ApiClientException(new Status { Code = 0, Reason = "ResponseTooLarge", Message = $"droverd's answer is larger than the limit MaxResponseBytes = {InputLimits.MaxResponseBytes}: {e.Message}" });
            }
            catch (HttpRequestException e)
            {
                var cause = e.InnerException is { } inner ? $": {inner.Message}" : "";
                failures.Add($"{server}: {e.Message}{cause}");
                var notSent = e.HttpRequestError == HttpRequestError.ConnectionError;
                if (_servers.Count > 1)
                    Interlocked.CompareExchange(ref _current, (index + 1) % _servers.Count, index);
                if (attempt + 1 >= _servers.Count || !(safeToRepeat || notSent))
                {
                    var which = _servers.Count == 1 ? $"droverd at {server}" : $"any droverd replica ({string.Join("; ", failures)})";
                    throw new ApiClientException(new Status { Code = 0, Reason = "ServiceUnavailable", Message = $"cannot reach {which}: {e.Message}{cause}" });
                }
            }
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
            return;
        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        Status? status = null;
        try
        {
            status = JsonSerializer.Deserialize(body, ApiJsonContext.Default.Status);
        }
        catch (JsonException)
        {
            // Not a Status object (a proxy in between?): report the raw answer below.
        }
        throw new ApiClientException(status ?? new Status
        {
            Code = (int)response.StatusCode,
            Reason = response.StatusCode.ToString(),
            Message = $"HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}",
        });
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (string.IsNullOrEmpty(value))
                continue;
            sb.Append(sb.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
        return sb.ToString();
    }

    public void Dispose() => _http.Dispose();
}
