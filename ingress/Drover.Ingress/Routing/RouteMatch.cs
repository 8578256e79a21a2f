namespace Drover.Ingress.Routing;

/// <summary>Where a request goes: a rule's target, a defaultBackend (<see cref="Rule"/> null), or nowhere.</summary>
public readonly record struct RouteMatch<TTarget>(TTarget? Target, PathRule<TTarget>? Rule)
    where TTarget : class
{
    public bool Found => Target is not null;
}
