namespace Drover.ControlPlane.Controllers.Autoscaling;

/// <summary>
/// The replica count an HPA settles on after stabilisation and rate limits, with the reasons its AbleToScale and
/// ScalingLimited conditions report (Kubernetes' reason strings and messages).
/// </summary>
public sealed record ScaleDecision(
    int Replicas,
    string AbleToScaleReason,
    string AbleToScaleMessage,
    bool Limited,
    string LimitedReason,
    string LimitedMessage);
