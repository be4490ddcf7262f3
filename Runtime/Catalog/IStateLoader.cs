namespace Optimus.Runtime.Catalog;

/// <summary>Grain state that must be read before <see cref="Grain.OnActivateAsync"/> runs.</summary>
internal interface IStateLoader
{
    Task LoadAsync(CancellationToken cancellationToken);
}
