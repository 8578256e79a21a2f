namespace Drover.ControlPlane.Auth;

/// <summary>
/// Verbs an identity may use on one resource (<c>pods</c>, <c>pods/status</c>) of one API group, on every object or
/// only on the ones named: a line of <c>kubectl auth can-i --list</c> (authorization.k8s.io/v1 ResourceRule).
/// </summary>
public sealed record ResourceRule(string Group, string Resource, IReadOnlyList<string> ResourceNames, IReadOnlyList<string> Verbs);
