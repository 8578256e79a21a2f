using Drover.Agent.Configuration;
using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Node;

/// <summary>
/// Creates this node's Node object (droverd assigns spec.podCIDR on create) with the agent's labels and taints,
/// or brings the labels the agent owns up to date on an existing one. Ownership is recorded in annotations, so a
/// label an operator added by hand survives, and a flag removed between restarts removes its label. Taints are
/// the node's to choose at registration only, as kubelet's --register-with-taints: afterwards they belong to the
/// operators and droverd's lifecycle controller, and droverd refuses a node that changes them (NodeRestriction).
/// </summary>
internal sealed partial class NodeRegistration
{
    public const string OwnedLabelsAnnotation = WellKnownAnnotations.AgentLabels;
    public const string OwnedTaintsAnnotation = WellKnownAnnotations.AgentTaints;

    private readonly DroverClient _api;
    private readonly AgentOptions _options;
    private readonly ILogger _logger;
    private string? _servingCertificateHash;

    public NodeRegistration(DroverClient api, AgentOptions options, ILogger<NodeRegistration> logger)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _api = api;
        _options = options;
        _logger = logger;
    }

    /// <summary>
    /// SHA-256 of the agent's serving certificate, published as <see cref="NodeServing.CertificateHashAnnotation"/>
    /// for droverd to pin; null (serving off) removes the annotation so no stale pin outlives the endpoint.
    /// While the certificate is renewed it is "new,old" (droverd accepts either), then "new"; set before each <see cref="RegisterAsync"/>.
    /// </summary>
    public string? ServingCertificateHash { get => Volatile.Read(ref _servingCertificateHash); set => Volatile.Write(ref _servingCertificateHash, value); }

    /// <summary>
    /// Where /metrics listens (host:port as bound), published as <see cref="NodeServing.MetricsAddressAnnotation"/> so
    /// droverd's Prometheus service discovery can list this agent; null (metrics off) removes the annotation.
    /// </summary>
    public string? MetricsAddress { get; init; }

    /// <summary>
    /// What the pod network publishes for the other nodes to route to this one (backend, VTEP MAC): a null value removes
    /// the annotation, so a node moved to another backend keeps nothing of the old one.
    /// </summary>
    public IReadOnlyDictionary<string, string?> PodNetworkAnnotations { get; init; } = new Dictionary<string, string?>();

    /// <summary>The labels the agent sets: its flags plus the well-known ones (which win).</summary>
    public static Dictionary<string, string> DesiredLabels(AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var labels = new Dictionary<string, string>(options.Labels, StringComparer.Ordinal)
        {
            [WellKnownLabels.Hostname] = options.NodeName,
            [WellKnownLabels.OS] = "linux",
            [WellKnownLabels.Arch] = HostFacts.Architecture(),
        };
        return labels;
    }

    /// <summary>Registers or reconciles; returns the stored Node, which carries the podCIDR.</summary>
    public async Task<Api.Node> RegisterAsync(CancellationToken ct)
    {
        var labels = DesiredLabels(_options);
        // Someone else may write the Node meanwhile (an operator, droverd's lifecycle controller): a conflict reads again.
        return await ConflictRetry.RetryOnConflictAsync(async token =>
        {
            var existing = await _api.TryGetAsync(ResourceTypes.Nodes, null, _options.NodeName, token).ConfigureAwait(false);
            Api.Node stored;
            if (existing is null)
            {
                stored = await _api.CreateAsync(ResourceTypes.Nodes, Reconcile(null, _options.NodeName, labels, _options.Taints, ServingCertificateHash, MetricsAddress, PodNetworkAnnotations)!, token).ConfigureAwait(false);
                Log.Registered(_logger, _options.NodeName, stored.Spec.PodCIDR ?? "(none)");
            }
            else if (Reconcile(existing, _options.NodeName, labels, _options.Taints, ServingCertificateHash, MetricsAddress, PodNetworkAnnotations) is { } updated)
            {
                WarnIfTaintsDiffer(existing);
                stored = await _api.UpdateAsync(ResourceTypes.Nodes, updated, null, token).ConfigureAwait(false);
                Log.Reconciled(_logger, _options.NodeName);
            }
            else
            {
                WarnIfTaintsDiffer(existing);
                stored = existing;
            }
            if (string.IsNullOrEmpty(stored.Spec.PodCIDR))
                throw new NodeRegistrationException($"node {_options.NodeName} has no spec.podCIDR (droverd assigns one when the node registers; a Node created by hand must carry one)");
            return stored;
        }, ct: ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The Node to write so that the agent's labels (and, for a new Node, taints) are as desired, or null when
    /// <paramref name="existing"/> already is. Pure: labels the agent does not own and every taint of an existing
    /// Node are kept.
    /// </summary>
    public static Api.Node? Reconcile(Api.Node? existing, string nodeName, IReadOnlyDictionary<string, string> labels, IReadOnlyList<Taint> taints, string? servingCertificateHash = null, string? metricsAddress = null, IReadOnlyDictionary<string, string?>? podNetworkAnnotations = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(taints);
        var ownedLabels = string.Join(',', labels.Keys.Order(StringComparer.Ordinal));
        var ownedTaints = string.Join(',', taints.Select(TaintKey).Order(StringComparer.Ordinal));
        if (existing is null)
        {
            var annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [OwnedLabelsAnnotation] = ownedLabels, [OwnedTaintsAnnotation] = ownedTaints };
            SetOrRemove(annotations, NodeServing.CertificateHashAnnotation, servingCertificateHash);
            SetOrRemove(annotations, NodeServing.MetricsAddressAnnotation, metricsAddress);
            foreach (var (key, value) in podNetworkAnnotations ?? new Dictionary<string, string?>())
                SetOrRemove(annotations, key, value);
            return new Api.Node
            {
                ApiVersion = "v1",
                Kind = "Node",
                Metadata = new ObjectMeta
                {
                    Name = nodeName,
                    Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal),
                    Annotations = annotations,
                },
                Spec = new NodeSpec { Taints = taints.Count > 0 ? [.. taints] : null },
            };
        }

        var existingAnnotations = existing.Metadata.Annotations ?? [];
        var previousLabels = Split(existingAnnotations.GetValueOrDefault(OwnedLabelsAnnotation));

        var newLabels = new Dictionary<string, string>(existing.Metadata.Labels ?? [], StringComparer.Ordinal);
        foreach (var key in previousLabels.Where(k => !labels.ContainsKey(k)))
            newLabels.Remove(key);
        foreach (var (key, value) in labels)
            newLabels[key] = value;

        // The owned-taints annotation keeps saying what the node registered with: taints are not reconciled.
        var newAnnotations = new Dictionary<string, string>(existingAnnotations, StringComparer.Ordinal)
        {
            [OwnedLabelsAnnotation] = ownedLabels,
        };
        SetOrRemove(newAnnotations, NodeServing.CertificateHashAnnotation, servingCertificateHash);
        SetOrRemove(newAnnotations, NodeServing.MetricsAddressAnnotation, metricsAddress);
        foreach (var (key, value) in podNetworkAnnotations ?? new Dictionary<string, string?>())
            SetOrRemove(newAnnotations, key, value);

        var sameLabels = LabelMaps.Same(existing.Metadata.Labels, newLabels);
        var sameAnnotations = LabelMaps.Same(existing.Metadata.Annotations, newAnnotations);
        if (sameLabels && sameAnnotations)
            return null;
        return existing with { Metadata = existing.Metadata with { Labels = newLabels, Annotations = newAnnotations } };
    }

    /// <summary>
    /// The taints <paramref name="taints"/> (the flags) ask for that <paramref name="existing"/> lacks, and those the
    /// node registered with that the flags no longer ask for; both empty when nothing differs. Only reported: an
    /// operator changes the taints of a registered node.
    /// </summary>
    public static (IReadOnlyList<string> Missing, IReadOnlyList<string> Unwanted) TaintDifference(Api.Node existing, IReadOnlyList<Taint> taints)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(taints);
        var present = (existing.Spec?.Taints ?? []).Select(Describe).ToHashSet(StringComparer.Ordinal);
        var desired = taints.Select(Describe).ToHashSet(StringComparer.Ordinal);
        var registered = Split(existing.Metadata.Annotations?.GetValueOrDefault(OwnedTaintsAnnotation));
        var desiredKeys = taints.Select(TaintKey).ToHashSet(StringComparer.Ordinal);
        var missing = desired.Where(d => !present.Contains(d)).Order(StringComparer.Ordinal).ToList();
        var unwanted = (existing.Spec?.Taints ?? []).Where(t => registered.Contains(TaintKey(t)) && !desiredKeys.Contains(TaintKey(t)))
            .Select(Describe).Order(StringComparer.Ordinal).ToList();
        return (missing, unwanted);
    }

    private void WarnIfTaintsDiffer(Api.Node existing)
    {
        var (missing, unwanted) = TaintDifference(existing, _options.Taints);
        if (missing.Count > 0 || unwanted.Count > 0)
            Log.TaintsNotApplied(_logger, _options.NodeName, string.Join(", ", missing), string.Join(", ", unwanted));
    }

    private static void SetOrRemove(Dictionary<string, string> annotations, string key, string? value)
    {
        if (value is null)
            annotations.Remove(key);
        else
            annotations[key] = value;
    }

    private static string TaintKey(Taint taint) => $"{taint.Key}:{taint.Effect}";

    private static string Describe(Taint taint) => $"{taint.Key}={taint.Value}:{taint.Effect}";

    private static HashSet<string> Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "registered node {NodeName} with podCIDR {PodCidr}")]
        public static partial void Registered(ILogger logger, string nodeName, string podCidr);

        [LoggerMessage(Level = LogLevel.Information, Message = "updated the labels of node {NodeName}")]
        public static partial void Reconciled(ILogger logger, string nodeName);

        [LoggerMessage(Level = LogLevel.Warning, Message = "node {NodeName} is registered already: its taints are set at registration only, so --taints is not applied (missing: [{Missing}]; no longer asked for: [{Unwanted}]); an operator changes them with admin credentials")]
        public static partial void TaintsNotApplied(ILogger logger, string nodeName, string missing, string unwanted);
    }
}

/// <summary>The Node cannot be registered as the agent needs it (other than droverd being unreachable).</summary>
internal sealed class NodeRegistrationException : Exception
{
    public NodeRegistrationException() { }
    public NodeRegistrationException(string message) : base(message) { }
    public NodeRegistrationException(string message, Exception innerException) : base(message, innerException) { }
}
