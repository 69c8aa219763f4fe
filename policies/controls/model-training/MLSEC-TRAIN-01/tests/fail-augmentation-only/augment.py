import augly.image as imaugs

AUGMENT = imaugs.Compose([imaugs.RandomNoise(), imaugs.Blur()])
