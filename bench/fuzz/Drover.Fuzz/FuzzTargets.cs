using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Drover.Agent.ClusterDns;
using Drover.Agent.Configuration;
using Drover.Agent.Images;
using Drover.Agent.Logs;
using Drover.Api;
using Drover.Api.Client;
using Drover.Api.Patching;
using Drover.Api.PodNetwork;
using Drover.Api.Protobuf;
using Drover.Api.Spdy;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Api.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Drover.Fuzz;

/// <summary>
/// One fuzz target per parser of outside bytes. Each catches exactly the refusals its parser documents
/// (a ManifestException, a FormatException, a 4xx ApiException…); anything else escapes and is a crash.
/// </summary>
internal static class FuzzTargets
{
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["yaml"] = Yaml,
        ["json"] = Json,
        ["decode"] = Decode,
        ["merge-patch"] = MergePatchTarget,
        ["strategic-merge-patch"] = StrategicMergePatchTarget,
        ["json-patch"] = JsonPatchTarget,
        ["accept"] = AcceptTarget,
        ["quantity"] = QuantityTarget,
        ["label-selector"] = LabelSelector,
        ["field-selector"] = FieldSelectorTarget,
        ["go-duration"] = GoDuration,
        ["cron-schedule"] = CronScheduleTarget,
        ["query"] = Query,
        ["watch-event"] = WatchEvent,
        ["cri-log"] = CriLog,
        ["log-request"] = LogRequest,
        ["stream-request"] = StreamRequest,
        ["spdy-frames"] = SpdyFrames,
        ["agent-config"] = AgentConfig,
        ["pod-network"] = PodNetwork,
        ["dns-query"] = DnsQuery,
        ["dns-tcp"] = DnsTcp,
        ["access-review-protobuf"] = AccessReviewProtobufTarget,
        ["pull-secret"] = PullSecret,
        ["protobuf-body"] = ProtobufBody,
    };

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>Fuzz bytes as text; invalid UTF-8 is refused before any parser here sees text, so it is skipped.</summary>
    private static string? Text(byte[] data)
    {
        try
        {
            return StrictUtf8.GetString(data);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>YAML → JSON, then each document decoded, defaulted and validated as the CLI does.</summary>
    private static void Yaml(byte[] data)
    {
        if (Text(data) is not { } text)
            return;
        IReadOnlyList<ManifestDocument> documents;
        try
        {
            documents = YamlToJson.ConvertDocuments(text);
        }
        catch (ManifestException)
        {
            return;
        }
        foreach (var document in documents)
        {
            // What the converter wrote is always JSON within the limits.
            JsonInput.Check(document.Json);
            DecodeAndValidate(document.Json);
        }
    }

    private static void Json(byte[] data)
    {
        try
        {
            JsonInput.Check(data);
            JsonInput.ParseNode(data);
        }
        catch (ManifestException)
        {
        }
    }

    /// <summary>A body as droverd reads it: checked, then decoded strictly (first byte picks the kind when none is named).</summary>
    private static void Decode(byte[] data)
    {
        if (data.Length == 0)
            return;
        var type = ResourceTypes.All[data[0] % ResourceTypes.All.Count];
        var json = data.AsSpan(1);
        try
        {
            JsonInput.Check(json);
        }
        catch (ManifestException)
        {
            return;
        }
        try
        {
            var obj = type.Deserialize(json);
            Validate(obj);
        }
        catch (JsonException)
        {
        }
        DecodeAndValidate(json.ToArray());
    }

    private static void DecodeAndValidate(byte[] json)
    {
        KubeObject obj;
        try
        {
            obj = ObjectDecoder.Decode(json);
        }
        catch (ManifestException)
        {
            return;
        }
        Validate(obj);
    }

    /// <summary>Defaults and validation of a decoded object must report problems, never throw.</summary>
    private static void Validate(KubeObject obj)
    {
        var defaulted = ObjectDefaulter.ApplyDefaults(obj);
        ObjectValidator.Validate(defaulted);
        ObjectValidator.ValidateUpdate(defaulted, obj);
    }

    /// <summary>TARGET NUL PATCH: both checked, merged, and the result serialised.</summary>
    private static void MergePatchTarget(byte[] data)
    {
        var split = Array.IndexOf(data, (byte)0);
        if (split < 0)
            return;
        try
        {
            var target = JsonInput.ParseNode(data.AsSpan(0, split));
            var patch = JsonInput.ParseNode(data.AsSpan(split + 1));
            var merged = MergePatch.Apply(target, patch);
            _ = merged?.ToJsonString();
        }
        catch (ManifestException)
        {
        }
    }

    /// <summary>TARGET NUL PATCH as a Deployment: both checked, the strategic merge patch applied, the result decoded strictly.</summary>
    private static void StrategicMergePatchTarget(byte[] data)
    {
        var split = Array.IndexOf(data, (byte)0);
        if (split < 0)
            return;
        try
        {
            if (JsonInput.ParseNode(data.AsSpan(0, split)) is not JsonObject target || JsonInput.ParseNode(data.AsSpan(split + 1)) is not JsonObject patch)
                return;
            var merged = StrategicMergePatch.Apply(target, patch, typeof(Deployment));
            var bytes = Encoding.UTF8.GetBytes(merged.ToJsonString());
            JsonInput.Check(bytes);
            _ = ObjectDecoder.Decode(bytes);
        }
        catch (ManifestException)
        {
        }
        catch (PatchException)
        {
        }
    }

    /// <summary>TARGET NUL PATCH: an RFC 6902 patch applied to any JSON document.</summary>
    private static void JsonPatchTarget(byte[] data)
    {
        var split = Array.IndexOf(data, (byte)0);
        if (split < 0)
            return;
        try
        {
            var target = JsonInput.ParseNode(data.AsSpan(0, split));
            if (JsonInput.ParseNode(data.AsSpan(split + 1)) is not { } patch)
                return;
            _ = JsonPatch.Apply(target, patch)?.ToJsonString();
        }
        catch (ManifestException)
        {
        }
        catch (PatchException)
        {
        }
    }

    /// <summary>An Accept header: the Table and aggregated-discovery negotiation never throws, whatever it holds.</summary>
    private static void AcceptTarget(byte[] data)
    {
        if (Text(data) is not { } text)
            return;
        var context = new DefaultHttpContext();
        context.Request.Headers.Accept = text;
        try
        {
            _ = TableOutput.FromRequest(context.Request);
        }
        catch (ApiException e) when (e.Status.Code is >= 400 and < 500)
        {
        }
    }

    /// <summary>
    /// A SelfSubjectAccessReview or SelfSubjectRulesReview in Kubernetes protobuf (kubectl auth can-i [--list]): read
    /// or refused with a 400. Both readers get every body: the envelope's kind is the sender's word.
    /// </summary>
    private static void AccessReviewProtobufTarget(byte[] data)
    {
        byte[] raw;
        try
        {
            (_, _, raw) = AccessReviewProtobuf.ReadEnvelope(data);
        }
        catch (ApiException e) when (e.Status.Code == 400)
        {
            return;
        }
        ReadOrRefused(() => AccessReviewProtobuf.ReadAccessReview(raw));
        ReadOrRefused(() => AccessReviewProtobuf.ReadRulesReview(raw));

        static void ReadOrRefused(Func<object> read)
        {
            try
            {
                _ = read();
            }
            catch (ApiException e) when (e.Status.Code == 400)
            {
            }
        }
    }

    /// <summary>A create/update body in Kubernetes protobuf (kubectl create ...): JSON of the object, or a ManifestException.</summary>
    private static void ProtobufBody(byte[] data)
    {
        try
        {
            if (KubernetesProtobuf.ToJson(data, out _, out _) is { } json)
                JsonInput.Check(json);
        }
        catch (ManifestException)
        {
        }
    }

    private static void QuantityTarget(byte[] data)
    {
        if (Text(data) is not { } text || !Quantity.TryParse(text, out var quantity))
            return;
        var canonical = quantity.ToString();
        if (!Quantity.TryParse(canonical, out var again) || again != quantity)
            throw new InvalidOperationException($"quantity \"{text}\" formats as \"{canonical}\", which does not read back as the same amount");
        _ = quantity.Value;
        _ = quantity.MilliValue;
        _ = quantity + quantity;
    }

    private static void LabelSelector(byte[] data)
    {
        if (Text(data) is not { } text)
            return;
        Selector selector;
        try
        {
            selector = Selector.Parse(text);
        }
        catch (FormatException)
        {
            return;
        }
        var shown = selector.ToString();
        var again = Selector.Parse(shown);
        if (again.ToString() != shown)
            throw new InvalidOperationException($"selector \"{text}\" prints as \"{shown}\", which reads back as \"{again}\"");
        selector.Matches(new Dictionary<string, string> { ["a"] = "b", [text] = text });
    }

    private static void FieldSelectorTarget(byte[] data)
    {
        if (data.Length == 0 || Text(data.AsSpan(1).ToArray()) is not { } text)
            return;
        var type = ResourceTypes.All[data[0] % ResourceTypes.All.Count];
        try
        {
            FieldSelector.Parse(type, text).Matches(new Pod { ApiVersion = "v1", Kind = "Pod", Metadata = new ObjectMeta { Name = "p" }, Spec = new PodSpec { Containers = [] } });
        }
        catch (ApiException e) when (e.Status.Code is >= 400 and < 500)
        {
        }
    }

    private static void GoDuration(byte[] data)
    {
        if (Text(data) is not { } text || !GoDurations.TryParse(text, out var duration))
            return;
        var formatted = GoDurations.Format(duration);
        // Format is to the millisecond by design: compare there.
        if (!GoDurations.TryParse(formatted, out var again) || Math.Abs((again - duration).TotalMilliseconds) > 1)
            throw new InvalidOperationException($"duration \"{text}\" formats as \"{formatted}\", which does not read back as {duration}");
    }

    /// <summary>
    /// A CronJob's spec.schedule: parsing either succeeds or says why (never throws), and a parsed schedule's next time
    /// is computed within its bounded search and is later than the time asked about.
    /// </summary>
    private static void CronScheduleTarget(byte[] data)
    {
        if (Text(data) is not { } text || !CronSchedule.TryParse(text, out var schedule, out _))
            return;
        var from = new DateTimeOffset(2026, 3, 29, 0, 30, 0, TimeSpan.Zero);
        foreach (var zone in new[] { TimeZoneInfo.Utc, CronTimeZones.TryFind("Europe/Berlin", out var berlin) ? berlin : TimeZoneInfo.Utc })
        {
            if (schedule.Next(from, zone) is { } next && next <= from)
                throw new InvalidOperationException($"schedule \"{text}\" next after {from:O} is {next:O}, not later");
        }
    }

    /// <summary>PATH?QUERY as droverd reads a request line: the resource path, then every query parameter it knows.</summary>
    private static void Query(byte[] data)
    {
        if (Text(data) is not { } text)
            return;
        var question = text.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? text : text[..question];
        var query = new QueryCollection(QueryHelpers.ParseQuery(question < 0 ? "" : text[question..]));
        try
        {
            // Kestrel decodes the path once before droverd sees it.
            var apiPath = ApiPath.Parse(Uri.UnescapeDataString(path));
            QueryParameters.Bool(query, "watch");
            QueryParameters.Bool(query, "allowWatchBookmarks");
            QueryParameters.NonNegative(query, "limit", int.MaxValue);
            QueryParameters.NonNegative(query, "timeoutSeconds", InputLimits.MaxTimeoutSeconds);
            QueryParameters.NonNegative(query, "gracePeriodSeconds", InputLimits.MaxGracePeriodSeconds);
            QueryParameters.ResourceVersion(query);
            if (QueryParameters.Single(query, "labelSelector") is { Length: > 0 } labels)
                Selector.Parse(labels);
            if (apiPath is not null)
                FieldSelector.Parse(apiPath.Type, QueryParameters.Single(query, "fieldSelector"));
            PodLogOptions.Parse(query);
        }
        catch (ApiException e) when (e.Status.Code is >= 400 and < 500)
        {
        }
        catch (FormatException)
        {
            // A label selector's refusal (droverd answers it with a 400).
        }
    }

    private static void WatchEvent(byte[] data)
    {
        if (data.Length == 0)
            return;
        try
        {
            DroverClient.ParseEvent(ResourceTypes.All[data[0] % ResourceTypes.All.Count], data.AsSpan(1));
        }
        catch (JsonException)
        {
        }
    }

    private static void CriLog(byte[] data)
    {
        var decoder = new CriLogDecoder(timestamps: data.Length > 0 && data[0] % 2 == 0);
        foreach (var line in data.AsSpan().Split((byte)'\n'))
        {
            var bytes = data.AsSpan(line);
            CriLogParser.TryParse(bytes, out _);
            decoder.Decode(bytes);
        }
    }

    private static void LogRequest(byte[] data)
    {
        try
        {
            var head = HttpWire.ReadRequestLineAsync(new MemoryStream(data), CancellationToken.None).GetAwaiter().GetResult();
            if (head is { } request)
                ContainerLogRequest.Parse(request.Target);
        }
        catch (LogRequestException e) when (e.StatusCode is >= 400 and < 500)
        {
        }
    }

    /// <summary>The agent's exec/attach/port-forward request (head, path and query, upgrade headers) and the runtime's answer head.</summary>
    private static void StreamRequest(byte[] data)
    {
        try
        {
            var head = HttpWire.ReadRequestHeadAsync(new MemoryStream(data), CancellationToken.None).GetAwaiter().GetResult();
            if (head is { } request)
            {
                var stream = Drover.Agent.Streams.ContainerStreamRequest.Parse(request.Target);
                Drover.Agent.Streams.ContainerStreamServer.UpgradeHeaders(request, stream.Kind);
            }
        }
        catch (LogRequestException e) when (e.StatusCode is >= 400 and < 500)
        {
        }

        try
        {
            Drover.Agent.Streams.RuntimeResponseHead.Parse(data);
        }
        catch (LogRequestException e) when (e.StatusCode == 502)
        {
        }
    }

    private static void AgentConfig(byte[] data)
    {
        if (Text(data) is not { } text)
            return;
        try
        {
            AgentConfigFile.Parse(text, "fuzz.yaml", AgentCommandLine.ConfigKeys);
        }
        catch (AgentOptionsException)
        {
        }
    }

    /// <summary>
    /// What another node publishes and every agent routes by (podCIDR, InternalIP, backend and VTEP MAC annotations, one a
    /// line), beside a good node: a verdict for each, never an exception; and the pod network ConfigMap's data (the same
    /// lines as key=value), refused only with a FormatException.
    /// </summary>
    private static void PodNetwork(byte[] data)
    {
        if (Text(data) is not { } text)
            return;
        var lines = text.Split('\n');
        string? Line(int i) => i < lines.Length ? lines[i] : null;
        var settings = new PodNetworkSettings { Backend = PodNetworkBackend.Vxlan, ClusterCidr = Ipv4Cidr.Parse("10.42.0.0/16") };
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Line(2) is { } backend)
            annotations[PodNetworkAnnotations.Backend] = backend;
        if (Line(3) is { } mac)
            annotations[PodNetworkAnnotations.VtepMac] = mac;
        // The good node was there first (the fuzzed one has no creationTimestamp: it sorts last).
        Node Make(string name, string? podCidr, string? ip, Dictionary<string, string> notes, DateTimeOffset? created = null) => new()
        {
            Metadata = new ObjectMeta { Name = name, Annotations = notes, CreationTimestamp = created },
            Spec = new NodeSpec { PodCIDR = podCidr },
            Status = new NodeStatus { Addresses = ip is null ? null : [new NodeAddress { Type = "InternalIP", Address = ip }] },
        };
        var good = Make("good", "10.42.1.0/24", "198.51.100.11", new() { [PodNetworkAnnotations.Backend] = "vxlan", [PodNetworkAnnotations.VtepMac] = "0a:00:00:00:00:01" }, DateTimeOffset.UnixEpoch);
        var view = PodNetworkPeers.Evaluate([good, Make("fuzz", Line(0), Line(1), annotations)], settings);
        if (view.Peers.Count == 0 || view.Peers[0].NodeName != "good")
            throw new InvalidOperationException("a node published by another changed the routes to the first");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var equal = line.IndexOf('=', StringComparison.Ordinal);
            if (equal > 0)
                map[line[..equal]] = line[(equal + 1)..];
        }
        try
        {
            PodNetworkSettings.FromData(map);
        }
        catch (FormatException)
        {
        }
    }

    // Built on first use, inside afl's loop: a static field of FuzzTargets would run instrumented code (Drover.Api's
    // records) in the class constructor, before SharpFuzz has attached afl's shared memory, and every target would
    // die with an AccessViolationException before its first input (as all of them did while this was a field here).
    private static ClusterDnsZone DnsZone => DnsZoneHolder.Zone;

    private static class DnsZoneHolder
    {
        internal static readonly ClusterDnsZone Zone = ClusterDnsZone.Build("cluster.local",
            [
                new Service { Metadata = new ObjectMeta { Name = "web", Namespace = "default" }, Spec = new ServiceSpec { ClusterIP = "10.43.0.20", Ports = [new ServicePort { Name = "http", Port = 80 }] } },
                new Service { Metadata = new ObjectMeta { Name = "db", Namespace = "default" }, Spec = new ServiceSpec { ClusterIP = "None", Ports = [new ServicePort { Name = "sql", Port = 5432 }] } },
            ],
            [
                new EndpointSlice
                {
                    Metadata = new ObjectMeta { Name = "db-1", Namespace = "default", Labels = new() { [WellKnownLabels.ServiceName] = "db" } },
                    AddressType = "IPv4",
                    Ports = [new EndpointSlicePort { Name = "sql", Port = 5432 }],
                    Endpoints = [.. Enumerable.Range(1, 100).Select(i => new SliceEndpoint { Addresses = [$"10.42.0.{i}"] })],
                },
            ]);
    }

    /// <summary>
    /// A UDP datagram to the cluster DNS resolver: any bytes give a response that fits the buffer, carries the
    /// query's id, and is a well-formed DNS header; never an exception.
    /// </summary>
    private static void DnsQuery(byte[] data)
    {
        var response = new byte[DnsResponder.BufferBytes];
        var length = DnsResponder.Respond(data, response, DnsZone, forwarding: data.Length % 2 == 0, out _, out var code);
        if (length is < -1 or > DnsResponder.BufferBytes || length is > 0 and < 12)
            throw new InvalidOperationException($"response of {length} bytes");
        if (length > 0 && (response[0] != data[0] || response[1] != data[1] || (response[2] & 0x80) == 0 || (response[3] & 0xF) != code))
            throw new InvalidOperationException("response header does not answer the query");
    }

    /// <summary>
    /// A DNS-over-TCP byte stream (RFC 7766 framing) as the server reads it: frames taken off the front while whole,
    /// each answered with the TCP size limit; a frame announcing more than a query may take ends the stream.
    /// </summary>
    private static void DnsTcp(byte[] data)
    {
        var response = new byte[DnsWire.MaxTcpResponseBytes];
        var stream = data.AsSpan();
        while (DnsTcpFraming.TryRead(stream, out var length) == DnsFrameStatus.Frame)
        {
            var message = stream.Slice(DnsWire.TcpLengthBytes, length);
            if (length > DnsWire.MaxQueryBytes)
                throw new InvalidOperationException($"frame of {length} bytes taken");
            var written = DnsResponder.Respond(message, response, DnsZone, forwarding: false, out _, out _, tcp: true);
            if (written is < 0 or > DnsWire.MaxTcpResponseBytes || written is > 0 and < 12)
                throw new InvalidOperationException($"response of {written} bytes");
            stream = stream[(DnsWire.TcpLengthBytes + length)..];
        }
    }

    /// <summary>
    /// The runtime's side of a SPDY/3.1 exec session as `drover exec -i` reads it: frames within a 64 KiB limit, every
    /// header block inflated through the session's one zlib stream and decoded.
    /// </summary>
    private static void SpdyFrames(byte[] data)
    {
        const int MaxFrame = 64 * 1024;
        var reader = new SpdyFrameReader(new MemoryStream(data), MaxFrame);
        var decompressor = new SpdyHeaderDecompressor();
        try
        {
            while (reader.ReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() is { } frame)
            {
                if (frame.Payload.Length > MaxFrame)
                    throw new InvalidOperationException($"a payload of {frame.Payload.Length} bytes taken");
                if (frame.Type is SpdyFrameType.SynStream or SpdyFrameType.SynReply or SpdyFrameType.Headers
                    && SpdyHeaderBlock.Decode(decompressor.Decompress(frame.Payload.Span)).Count > SpdyHeaderBlock.MaxHeaders)
                {
                    throw new InvalidOperationException("more headers than the limit taken");
                }
            }
        }
        catch (SpdyProtocolException)
        {
        }
    }

    /// <summary>An imagePullSecret's payload (the agent reads what any user could store): no credentials, never a throw.</summary>
    private static void PullSecret(byte[] data)
    {
        var secret = new Secret { Type = data.Length % 2 == 0 ? "kubernetes.io/dockerconfigjson" : "kubernetes.io/dockercfg", Data = new() { [".dockerconfigjson"] = data, [".dockercfg"] = data } };
        foreach (var image in new[] { "nginx", "registry.example.com:5000/edge/app:v1", "127.0.0.1:5000/app@sha256:00" })
            PullCredentials.For(image, [secret]);
    }
}
