using Drover.Api;

namespace Drover.ControlPlane.Registry.Strategies;

/// <summary>
/// A new Job selects its pods by its own uid (Kubernetes' job strategy generateSelector): the template gets the
/// batch.kubernetes.io/controller-uid and job-name labels (and their legacy spellings) and the selector matches
/// the uid, so two Jobs of the same name, one deleted and one new, never share pods. spec.manualSelector: true
/// leaves both to the user.
/// </summary>
public sealed class JobStrategy : ResourceStrategy
{
    public override KubeObject PrepareForCreate(KubeObject obj)
    {
        var prepared = base.PrepareForCreate(obj);
        return prepared is Job { Spec: not null } job && job.Spec.ManualSelector != true ? GenerateSelector(job) : prepared;
    }

    public static Job GenerateSelector(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var name = job.Metadata.Name ?? "";
        var uid = job.Metadata.Uid ?? "";
        var template = job.Spec.Template ?? new PodTemplateSpec();
        var labels = template.Metadata?.Labels is { } existing ? new Dictionary<string, string>(existing) : [];
        // Labels the user set are kept: a wrong one is refused by validation rather than silently replaced.
        labels.TryAdd(JobLabels.LegacyJobName, name);
        labels.TryAdd(JobLabels.JobName, name);
        labels.TryAdd(JobLabels.LegacyControllerUid, uid);
        labels.TryAdd(JobLabels.ControllerUid, uid);
        var selector = job.Spec.Selector ?? new LabelSelector();
        var matchLabels = selector.MatchLabels is { } match ? new Dictionary<string, string>(match) : [];
        matchLabels.TryAdd(JobLabels.ControllerUid, uid);
        return job with
        {
            Spec = job.Spec with
            {
                Selector = selector with { MatchLabels = matchLabels },
                Template = template with { Metadata = (template.Metadata ?? new ObjectMeta()) with { Labels = labels } },
            },
        };
    }
}
