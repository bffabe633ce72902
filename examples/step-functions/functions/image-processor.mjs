// ImageProcessorFunction: "processes" one image (here: reports its name and a fake size).
export const handler = async (image) => ({ image: image.key ?? image, width: 640, height: 480, ok: true });
