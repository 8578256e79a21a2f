using Drover.Api;

namespace Drover.ControlPlane.Controllers.Autoscaling;

/// <summary>
/// An HPA's conditions being rewritten by one sync: a condition keeps its lastTransitionTime unless its status flips,
/// as Kubernetes' setCondition does, so `describe hpa` shows since when it has been scaling-limited, say.
/// </summary>
public sealed class HpaConditions
{
    public const string AbleToScale = "AbleToScale";
    public const string ScalingActive = "ScalingActive";
    public const string ScalingLimited = "ScalingLimited";

    private readonly List<HorizontalPodAutoscalerCondition> _conditions;
    private readonly DateTimeOffset _now;

    public HpaConditions(IEnumerable<HorizontalPodAutoscalerCondition>? existing, DateTimeOffset now)
    {
        _conditions = existing is null ? [] : [.. existing];
        _now = now;
    }

    public IReadOnlyList<HorizontalPodAutoscalerCondition> All => _conditions;

    public HorizontalPodAutoscalerCondition? Find(string type) => _conditions.Find(c => c.Type == type);

    public void Set(string type, bool status, string reason, string message)
    {
        var text = status ? "True" : "False";
        var index = _conditions.FindIndex(c => c.Type == type);
        var since = index >= 0 && _conditions[index].Status == text ? _conditions[index].LastTransitionTime : _now;
        var condition = new HorizontalPodAutoscalerCondition
        {
            Type = type, Status = text, Reason = reason, Message = message, LastTransitionTime = since,
        };
        if (index >= 0)
            _conditions[index] = condition;
        else
            _conditions.Add(condition);
    }
}
