using System.Text.Json;
using Drover.Api;

namespace Drover.Cli.Rollout;

/// <summary>Pod templates as rollback compares and restores them: the ReplicaSet's hash label is not part of the template.</summary>
internal static class PodTemplates
{
    /// <summary>
    /// kubectl's equalIgnoreHash: equal but for pod-template-hash. Compared through JSON (records compare
    /// collections by reference), with no map order and no difference between an empty map and none.
    /// </summary>
    public static bool EqualIgnoringHash(PodTemplateSpec a, PodTemplateSpec b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        using var left = JsonSerializer.SerializeToDocument(Normalize(WithoutHash(a)), ApiJsonContext.Default.PodTemplateSpec);
        using var right = JsonSerializer.SerializeToDocument(Normalize(WithoutHash(b)), ApiJsonContext.Default.PodTemplateSpec);
        return JsonElement.DeepEquals(left.RootElement, right.RootElement);
    }

    /// <summary>The template with the ReplicaSet's pod-template-hash label removed, as it belongs in a Deployment.</summary>
    public static PodTemplateSpec WithoutHash(PodTemplateSpec template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var labels = template.Metadata?.Labels;
        if (labels is null || !labels.ContainsKey(Revisions.PodTemplateHashLabel))
            return template;
        var kept = labels.Where(p => p.Key != Revisions.PodTemplateHashLabel).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return template with { Metadata = template.Metadata! with { Labels = kept } };
    }

    private static PodTemplateSpec Normalize(PodTemplateSpec template)
    {
        var meta = template.Metadata ?? new ObjectMeta();
        return template with
        {
            Metadata = meta with
            {
                Labels = meta.Labels is { Count: > 0 } ? meta.Labels : null,
                Annotations = meta.Annotations is { Count: > 0 } ? meta.Annotations : null,
            },
        };
    }
}
