/** What image-file widgets (LoadImage's `image`) can do beyond typing a name; the page provides them. */
export interface ImageActions {
  /** Uploads an image into the project's input folder; resolves to the name image inputs take. */
  upload(file: File): Promise<string>;
  /** Opens the mask painter on the named image; resolves to the saved masked upload's name, or undefined when cancelled. */
  paintMask(name: string): Promise<string | undefined>;
}
