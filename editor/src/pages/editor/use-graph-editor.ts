import { useEffect, useRef, useState, type RefObject } from 'react';
import type { Catalog } from '../../graph/boundary.ts';
import { GraphEditor } from '../../graph/graph-editor.ts';
import type { FlowConnection, FlowNode } from '../../graph/schemes.ts';
import type { Notify } from '../../ui/toasts.tsx';
import type { ImageActions } from '../../graph/image-actions.ts';

/** Mounts a GraphEditor into the container once the node catalog is known. */
export function useGraphEditor(
  container: RefObject<HTMLDivElement | null>,
  catalog: Catalog | undefined,
  notify: Notify,
  onChange: (viewOnly: boolean) => void,
  onContextMenu: (event: MouseEvent, target: FlowNode | FlowConnection | undefined) => void,
  images: ImageActions,
): GraphEditor | undefined {
  const [graph, setGraph] = useState<GraphEditor>();
  const catalogRef = useRef(catalog);
  catalogRef.current = catalog;
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const onContextMenuRef = useRef(onContextMenu);
  onContextMenuRef.current = onContextMenu;
  const imagesRef = useRef(images);
  imagesRef.current = images;

  const ready = catalog !== undefined;
  useEffect(() => {
    if (!ready || !container.current) return;
    const created = new GraphEditor({
      container: container.current,
      catalog: () => catalogRef.current ?? new Map(),
      notify,
      onChange: (viewOnly) => onChangeRef.current(viewOnly),
      onContextMenu: (event, target) => onContextMenuRef.current(event, target),
      images: { upload: (file) => imagesRef.current.upload(file), paintMask: (name) => imagesRef.current.paintMask(name) },
    });
    setGraph(created);
    return () => {
      created.destroy();
      setGraph(undefined);
    };
  }, [ready, container, notify]);
  return graph;
}
