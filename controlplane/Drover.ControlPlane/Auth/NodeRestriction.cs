using Drover.Api;

namespace Drover.ControlPlane.Auth;

/// <summary>
/// Kubernetes' NodeRestriction admission plugin, for Drover's objects: what a node may write, judged on the
/// object before and after the write. Pure — no store, no clock — so the registry's admission chain can run
/// it wherever the old and new objects are known. Only node identities are restricted; everyone else passes.
/// The <see cref="NodeAuthorizer"/> has already limited a node to these verbs; this decides what they may change:
/// <list type="bullet">
/// <item>its own Node only; labels only as <see cref="NodeLabelPolicy"/> allows; taints at registration only (a
/// node that could remove node.kubernetes.io/unreachable or an operator's NoSchedule would pull workloads onto
/// itself); no podCIDR of its choosing (droverd allocates it, and another node's range would take its traffic);
/// no ownerReferences or finalizers; spec.unschedulable only as the agent's shutdown cordon, recorded in the
/// <c>drover.io/cordoned-for: shutdown</c> annotation, so a node can never lift an operator's cordon;</item>
/// <item>pods: only the status of pods bound to it, and deleting them; it creates none (no mirror pods);</item>
/// <item>its own Lease in kube-node-lease;</item>
/// <item>events it reports itself, about its own Node or about pods.</item>
/// </list>
/// </summary>
public sealed class NodeRestriction
{
    public const string LeaseNamespace = "kube-node-lease";

    /// <summary>The agent's shutdown cordon (agent/Drover.Agent/Node/NodeCordon.cs): the annotation and its value.</summary>
    public const string CordonAnnotation = WellKnownAnnotations.CordonedFor;
    public const string CordonShutdown = "shutdown";

    /// <summary>
    /// The reasons <paramref name="principal"/> may not make this write, each with the field it concerns; none
    /// when it may. <paramref name="operation"/> is create, update or delete (a patch is an update of the patched
    /// object); <paramref name="oldObject"/> is null on create, <paramref name="newObject"/> null on delete. On an
    /// update of a status subresource <paramref name="newObject"/> is the object as it will be stored (the old one
    /// with the new status).
    /// </summary>
    public IReadOnlyList<FieldError> Admit(Principal principal, string operation, ResourceType type, string? subresource, KubeObject? oldObject, KubeObject? newObject)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(type);
        if (principal.Kind != PrincipalKind.Node)
            return [];
        if (operation is not ("create" or "update" or "delete"))
            throw new ArgumentException($"unknown admission operation \"{operation}\"", nameof(operation));
        if ((operation != "create" && oldObject is null) || (operation != "delete" && newObject is null))
            throw new ArgumentException($"a {operation} needs {(oldObject is null ? "the old" : "the new")} object");
        var self = principal.NodeName!;
        var errors = new List<FieldError>();
        switch (type.Kind)
        {
            case "Node":
                AdmitNode(self, operation, (Node?)oldObject, (Node?)newObject, errors);
                break;
            case "Pod":
                AdmitPod(self, operation, subresource, (Pod?)oldObject, errors);
                break;
            case "Lease":
                var lease = newObject ?? oldObject!;
                if (lease.Metadata.Namespace != LeaseNamespace)
                    errors.Add(Forbidden("metadata.namespace", lease.Metadata.Namespace, $"node \"{self}\" may only write leases in the \"{LeaseNamespace}\" namespace"));
                if (lease.Metadata.Name != self)
                    errors.Add(Forbidden("metadata.name", lease.Metadata.Name, $"node \"{self}\" may only write the lease named after itself"));
                break;
            case "Event":
                AdmitEvent(self, operation, (Event?)oldObject, (Event?)newObject, errors);
                break;
        }
        return errors;
    }

    private static void AdmitNode(string self, string operation, Node? old, Node? updated, List<FieldError> errors)
    {
        var name = (updated ?? old)!.Metadata.Name;
        if (name != self || (old is not null && updated is not null && updated.Metadata.Name != old.Metadata.Name))
        {
            errors.Add(Forbidden("metadata.name", name, $"node \"{self}\" may not modify node \"{name}\""));
            return;
        }
        if (operation == "delete")
        {
            errors.Add(Forbidden("metadata.name", name, $"node \"{self}\" may not delete its Node"));
            return;
        }

        var node = updated!;
        foreach (var key in ChangedLabels(old?.Metadata.Labels, node.Metadata.Labels))
        {
            if (!NodeLabelPolicy.IsSelfSettable(key))
                errors.Add(Forbidden($"metadata.labels[{key}]", key, $"node \"{self}\" may not {(old is null ? "set" : "modify")} label {key}: {NodeLabelPolicy.Rule}"));
        }
        Unchanged("metadata.ownerReferences", Describe(old?.Metadata.OwnerReferences), Describe(node.Metadata.OwnerReferences), $"node \"{self}\" may not set ownerReferences on its Node", errors);
        Unchanged("metadata.finalizers", Describe(old?.Metadata.Finalizers), Describe(node.Metadata.Finalizers), $"node \"{self}\" may not set finalizers on its Node", errors);
        // droverd allocates the range on create; a node naming one could claim another node's pod traffic.
        Unchanged("spec.podCIDR", old?.Spec?.PodCIDR ?? "", node.Spec?.PodCIDR ?? "", $"node \"{self}\" may not choose its podCIDR (droverd allocates it)", errors);
        Unchanged("spec.podCIDRs", Describe(old?.Spec?.PodCIDRs), Describe(node.Spec?.PodCIDRs), $"node \"{self}\" may not choose its podCIDRs (droverd allocates them)", errors);
        if (old is null)
            return;

        // At create the taints are the node's --taints (kubelet's --register-with-taints); afterwards they are
        // the operators' and the node lifecycle controller's.
        var oldTaints = Describe(old.Spec?.Taints);
        var newTaints = Describe(node.Spec?.Taints);
        if (oldTaints != newTaints)
            errors.Add(Forbidden("spec.taints", newTaints, $"node \"{self}\" may not modify its taints (had [{oldTaints}]); taints are set when a node registers, then by operators and droverd only"));
        Unchanged("spec.providerID", old.Spec?.ProviderID ?? "", node.Spec?.ProviderID ?? "", $"node \"{self}\" may not change its providerID", errors);
        AdmitCordon(self, old, node, errors);
    }

    /// <summary>
    /// The agent cordons its node for a shutdown and lifts only that cordon: spec.unschedulable goes to true with
    /// the annotation set to "shutdown" in the same write, and back to false only while the annotation says
    /// "shutdown", removing it. Nothing else may touch either, so an operator's cordon stays the operator's.
    /// </summary>
    private static void AdmitCordon(string self, Node old, Node node, List<FieldError> errors)
    {
        var wasCordoned = old.Spec?.Unschedulable == true;
        var isCordoned = node.Spec?.Unschedulable == true;
        var oldMark = old.Metadata.Annotations?.GetValueOrDefault(CordonAnnotation);
        var newMark = node.Metadata.Annotations?.GetValueOrDefault(CordonAnnotation);
        var allowed = (wasCordoned, isCordoned) switch
        {
            (false, true) => newMark == CordonShutdown,
            (true, false) => oldMark == CordonShutdown && newMark is null,
            _ => oldMark == newMark,
        };
        if (allowed)
            return;
        if (wasCordoned != isCordoned)
        {
            errors.Add(Forbidden("spec.unschedulable", isCordoned ? "true" : "false", isCordoned
                ? $"node \"{self}\" may cordon itself only for a shutdown, with the annotation {CordonAnnotation}: {CordonShutdown} in the same write"
                : $"node \"{self}\" may only lift a cordon it set for a shutdown (annotation {CordonAnnotation}: {CordonShutdown}, removed in the same write)"));
        }
        else
        {
            errors.Add(Forbidden($"metadata.annotations[{CordonAnnotation}]", newMark, $"node \"{self}\" may change the annotation {CordonAnnotation} only together with spec.unschedulable"));
        }
    }

    private static void AdmitPod(string self, string operation, string? subresource, Pod? old, List<FieldError> errors)
    {
        switch (operation)
        {
            case "create":
                errors.Add(Forbidden("metadata.name", null, $"node \"{self}\" may not create pods (placing work is the scheduler's; Drover has no mirror pods)"));
                return;
            case "update" when subresource != "status":
                errors.Add(Forbidden("spec", null, $"node \"{self}\" may only update the status of pods"));
                return;
        }
        if (old!.Spec.NodeName != self)
            errors.Add(Forbidden("spec.nodeName", old.Spec.NodeName, $"node \"{self}\" may only {(operation == "delete" ? "delete" : "update the status of")} pods with spec.nodeName set to itself"));
    }

    /// <summary>
    /// Events the node reports as itself (source.host or reportingInstance its name), about its own Node or a
    /// pod; an update only of such an event. Kubernetes lets a node write any event; here a node cannot forge
    /// another node's or droverd's reports, which `drover describe` shows as theirs.
    /// </summary>
    private static void AdmitEvent(string self, string operation, Event? old, Event? updated, List<FieldError> errors)
    {
        if (operation == "delete")
        {
            errors.Add(Forbidden("metadata.name", old!.Metadata.Name, $"node \"{self}\" may not delete events"));
            return;
        }
        if (old is not null && !ReportedBy(old, self))
            errors.Add(Forbidden("reportingInstance", old.ReportingInstance ?? old.Source?.Host, $"node \"{self}\" may only update events it reported"));
        var ev = updated!;
        if (!ReportedBy(ev, self))
            errors.Add(Forbidden(ev.ReportingInstance is null ? "source.host" : "reportingInstance", ev.ReportingInstance ?? ev.Source?.Host, $"node \"{self}\" may only report events as itself (source.host and reportingInstance \"{self}\")"));
        var about = ev.InvolvedObject;
        var aboutSelf = about.Kind == "Node" && about.Name == self;
        if (!aboutSelf && about.Kind != "Pod")
            errors.Add(Forbidden("involvedObject", $"{about.Kind}/{about.Name}", $"node \"{self}\" may only record events about its own Node or about pods"));
    }

    private static bool ReportedBy(Event ev, string self)
    {
        var host = ev.Source?.Host;
        var instance = ev.ReportingInstance;
        return (host is not null || instance is not null) && (host is null || host == self) && (instance is null || instance == self);
    }

    /// <summary>Label keys added, removed or given another value.</summary>
    private static IEnumerable<string> ChangedLabels(Dictionary<string, string>? before, Dictionary<string, string>? after)
    {
        before ??= [];
        after ??= [];
        foreach (var (key, value) in after)
        {
            if (!before.TryGetValue(key, out var old) || old != value)
                yield return key;
        }
        foreach (var key in before.Keys)
        {
            if (!after.ContainsKey(key))
                yield return key;
        }
    }

    private static void Unchanged(string field, string before, string after, string detail, List<FieldError> errors)
    {
        if (before != after)
            errors.Add(Forbidden(field, after, detail));
    }

    private static string Describe(List<string>? items) => string.Join(",", items ?? []);

    private static string Describe(List<OwnerReference>? owners) =>
        string.Join(",", (owners ?? []).Select(o => $"{o.ApiVersion}/{o.Kind}/{o.Name}/{o.Uid}/{o.Controller}/{o.BlockOwnerDeletion}"));

    /// <summary>Taints as a set: the order is not the node's to rearrange but not a reason to refuse either.</summary>
    private static string Describe(List<Taint>? taints) =>
        string.Join(", ", (taints ?? []).Where(t => t is not null)
            .Select(t => $"{t.Key}={t.Value}:{t.Effect}{(t.TimeAdded is { } added ? "@" + added.ToUnixTimeSeconds() : "")}")
            .Order(StringComparer.Ordinal));

    private static FieldError Forbidden(string field, string? value, string detail) =>
        new(field, FieldErrorType.Forbidden, value is null ? null : $"\"{value}\"", detail);
}
