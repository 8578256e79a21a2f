namespace Drover.Store;

internal enum WriteOperationKind
{
    Create,
    Update,
    Delete,
    Compact,
}
